package io.latchkey.db;

import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Tells a database outage from a bug: a failure that means PostgreSQL cannot be reached or is going away, which
 * retrying later can fix, so services answer it {@code 503 temporarily_unavailable} with {@code Retry-After}
 * rather than {@code 500 server_error}. Outages are: a refused, reset or closed connection; no pooled connection
 * within the pool's acquire timeout; and the SQLSTATEs of class 08 (connection exception), 57P01-57P03 (the
 * server shutting down or starting up) and 53300 (too many connections).
 *
 * @see <a href="https://www.postgresql.org/docs/current/errcodes-appendix.html">PostgreSQL error codes</a>
 */
public final class DatabaseUnavailable {
    /** Seconds a client is asked to wait: a restart or a failover of PostgreSQL takes a few. */
    public static final long RETRY_AFTER_SECONDS = 5;

    private static final int MAX_DEPTH = 8;

    private DatabaseUnavailable() {}

    /** Whether {@code failure}, or any of its causes, says the database is unavailable. */
    public static boolean is(Throwable failure) {
        Throwable t = failure;
        for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
            if (outage(t)) {
                return true;
            }
        }
        return false;
    }

    private static boolean outage(Throwable t) {
        if (t instanceof DatabaseException db) {
            return unavailableState(db.getSqlState());
        }
        // Connection refused, reset or closed under a query; no connection from the pool in time.
        return t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException;
    }

    /** SQLSTATE class 08, 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now, 53300. */
    static boolean unavailableState(String sqlState) {
        if (sqlState == null) {
            return false;
        }
        return sqlState.startsWith("08")
                || sqlState.equals("57P01")
                || sqlState.equals("57P02")
                || sqlState.equals("57P03")
                || sqlState.equals("53300");
    }
}
