package io.latchkey.auth.audit;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;

/** Appends audit rows: logins, refresh-token reuse, revocations, admin actions. Token issues are not rows. */
public interface AuditRepository {
    /** Appends {@code event} on {@code sql}: the caller's transaction, or the pool for a row of its own. */
    Future<Void> record(SqlClient sql, AuditEvent event);
}
