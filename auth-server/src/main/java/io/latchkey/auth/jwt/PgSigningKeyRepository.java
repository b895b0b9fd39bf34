package io.latchkey.auth.jwt;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.Map;

/** {@link SigningKeyRepository} on key-service's {@code signing_keys} table (see V5), read only. */
public final class PgSigningKeyRepository implements SigningKeyRepository {
    private static final String LIVE = """
            SELECT kid, public_jwk FROM signing_keys
            WHERE revoked_at IS NULL AND publish_at <= now() AND (remove_at IS NULL OR remove_at > now())""";

    private final Pool pool;

    public PgSigningKeyRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<Map<String, JsonObject>> livePublicKeys() {
        return pool.query(LIVE).execute().map(rows -> {
            Map<String, JsonObject> keys = new LinkedHashMap<>();
            rows.forEach(row -> keys.put(
                    row.getString("kid"),
                    row.getValue("public_jwk") instanceof JsonObject jwk ? jwk : new JsonObject()));
            return keys;
        });
    }
}
