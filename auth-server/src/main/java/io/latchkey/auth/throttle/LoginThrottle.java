package io.latchkey.auth.throttle;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.OptionalLong;

/**
 * Failed-login counters shared by every replica: per (username, client IP) a back-off that doubles from 1 s up
 * to 15 minutes once 5 failures have accumulated, and per client IP at most 50 failures in 10 minutes. Nothing is
 * keyed on the username alone, so strangers cannot lock a victim out. Every method runs on the caller's
 * connection, so a login sends them together with its other statements.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-10.10">RFC 6749 §10.10</a>
 */
public interface LoginThrottle {
    int FAILURES_BEFORE_BACKOFF = 5;
    long MAX_BACKOFF_SECONDS = 15 * 60;
    int IP_FAILURES_PER_WINDOW = 50;

    /** Seconds to wait when the attempt must be refused now, empty when it may proceed. */
    Future<OptionalLong> retryAfter(SqlClient sql, String username, String ip);

    /** Counts a failure; run it in a transaction, as it writes two rows. */
    Future<Void> recordFailure(SqlClient sql, String username, String ip);

    /**
     * A successful login clears the (username, IP) back-off; the per-IP window stays. Run it in the login's
     * transaction, so a login that does not complete clears nothing.
     */
    Future<Void> clear(SqlClient sql, String username, String ip);

    /**
     * Deletes the counters that no longer throttle anyone: per-IP minutes outside the window, and (username, IP)
     * rows quiet for a day and not blocked. The per-IP ones go first, then the others, one statement each.
     */
    Future<Void> prune(SqlClient sql);
}
