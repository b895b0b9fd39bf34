package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;

/** Appends entries the only way the schema allows, through {@code revocation_append}, each in its own transaction. */
final class TestRevocations {
    private static final String APPEND = "SELECT revocation_append($1, $2, $3, $4) AS seq";

    private TestRevocations() {}

    static Future<Long> append(SqlClient client, String type, String value, Long notBefore, long expiresAt) {
        return client.preparedQuery(APPEND)
                .execute(Tuple.of(type, value, notBefore, expiresAt))
                .map(rows -> rows.iterator().next().getLong("seq"));
    }

    /** A {@code jti} entry that stays live for an hour. */
    static Future<Long> jti(SqlClient client, String value) {
        return append(client, "jti", value, null, now() + 3600);
    }

    static long now() {
        return Instant.now().getEpochSecond();
    }
}
