package io.latchkey.auth.audit;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/**
 * Appends audit rows: logins, refresh-token reuse, admin actions. Never a secret, token or password. Token
 * issues are log lines and metrics, not rows.
 */
public final class AuditLog {
    private static final String INSERT = """
            INSERT INTO audit_events (event, client_id, user_id, session_id, ip, detail)
            VALUES ($1, $2, $3, $4, $5::text::inet, $6)""";

    private AuditLog() {}

    public static Future<Void> record(
            SqlClient sql, String event, String clientId, UUID userId, UUID sessionId, String ip, JsonObject detail) {
        return sql.preparedQuery(INSERT)
                .execute(Tuple.of(event, clientId, userId, sessionId, ip, detail == null ? new JsonObject() : detail))
                .mapEmpty();
    }
}
