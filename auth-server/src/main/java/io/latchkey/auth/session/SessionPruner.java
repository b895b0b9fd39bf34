package io.latchkey.auth.session;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes what no request can use any more, so the tables stay bounded: sessions ended over an hour ago or past
 * their absolute end (their refresh tokens cascade), refresh tokens past their idle end, and login-failure
 * counters that no longer throttle anyone. Revocation entries are left to the revocation feed's owner.
 */
public final class SessionPruner {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPruner.class);
    private static final long PERIOD_MS = 5 * 60 * 1000;
    private static final String SESSIONS = """
            DELETE FROM sessions
            WHERE (ended_at IS NOT NULL AND ended_at < now() - interval '1 hour') OR expires_at < now()""";
    private static final String REFRESH_TOKENS = "DELETE FROM refresh_tokens WHERE expires_at < now()";
    private static final String FAILURES_BY_IP =
            "DELETE FROM login_failures_by_ip WHERE minute < now() - interval '11 minutes'";
    private static final String FAILURES_BY_USER_IP = """
            DELETE FROM login_failures_by_user_ip
            WHERE last_failure_at < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())""";

    private final Pool pool;

    public SessionPruner(Pool pool) {
        this.pool = pool;
    }

    /** Prunes now and then every five minutes; returns the timer id. */
    public long schedule(Vertx vertx) {
        return vertx.setPeriodic(PERIOD_MS, PERIOD_MS, id -> prune());
    }

    public Future<Void> prune() {
        return pool.query(SESSIONS)
                .execute()
                .compose(v -> pool.query(REFRESH_TOKENS).execute())
                .compose(v -> pool.query(FAILURES_BY_IP).execute())
                .compose(v -> pool.query(FAILURES_BY_USER_IP).execute())
                .<Void>mapEmpty()
                .onFailure(e -> LOG.warn("pruning failed: {}", e.getClass().getSimpleName()));
    }
}
