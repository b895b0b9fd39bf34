package io.latchkey.auth.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

/** {@link AuditRepository} on the {@code audit_events} table (see V7). */
public final class PgAuditRepository implements AuditRepository {
    private static final String INSERT = """
            INSERT INTO audit_events (event, client_id, user_id, session_id, ip, detail)
            VALUES ($1, $2, $3, $4, $5::text::inet, $6)""";

    @Override
    public Future<Void> record(SqlClient sql, AuditEvent event) {
        return sql.preparedQuery(INSERT)
                .execute(Tuple.of(
                        event.event(), event.clientId(), event.userId(), event.sessionId(), event.ip(), event.detail()))
                .mapEmpty();
    }
}
