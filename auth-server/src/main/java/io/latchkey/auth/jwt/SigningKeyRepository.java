package io.latchkey.auth.jwt;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/** Reads the public halves of key-service's signing keys. */
public interface SigningKeyRepository {
    /**
     * The public JWK of every key a token may be signed with now, by {@code kid}: published, not removed, never
     * revoked. A stored value that is not a JSON object reads as an empty one.
     */
    Future<Map<String, JsonObject>> livePublicKeys();
}
