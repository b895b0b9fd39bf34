package io.latchkey.auth.session;

import io.latchkey.auth.backchannel.BackchannelOutbox;
import io.latchkey.auth.throttle.LoginThrottle;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends sessions past their absolute end (queueing their back-channel logouts), then deletes what no request can
 * use any more, so the tables stay bounded: sessions ended over an hour ago or past
 * their absolute end (their refresh tokens cascade), refresh tokens past their idle end, and login-failure
 * counters that no longer throttle anyone, and the browser flow's interactions and authorization codes once no
 * late step or replay can need them. Revocation entries are left to the revocation feed's owner.
 */
public final class SessionPruner {
    private static final Logger LOG = LoggerFactory.getLogger(SessionPruner.class);
    private static final long PERIOD_MS = 5 * 60 * 1000;
    private static final int EXPIRY_BATCH = 1000;

    private final Pool pool;
    private final SessionRepository sessions;
    private final LoginThrottle throttle;
    private final BackchannelOutbox backchannel;
    private final List<Function<SqlClient, Future<Void>>> others;

    /**
     * {@code others} are further pruning statements (interactions, codes, finished deliveries), each run on the pool
     * in turn.
     */
    public SessionPruner(
            Pool pool,
            SessionRepository sessions,
            LoginThrottle throttle,
            BackchannelOutbox backchannel,
            List<Function<SqlClient, Future<Void>>> others) {
        this.pool = pool;
        this.sessions = sessions;
        this.throttle = throttle;
        this.backchannel = backchannel;
        this.others = List.copyOf(others);
    }

    /** Prunes now and then every five minutes; returns the timer id. */
    public long schedule(Vertx vertx) {
        return vertx.setPeriodic(PERIOD_MS, PERIOD_MS, id -> prune());
    }

    private Future<Void> endExpired() {
        return Transactions.run(pool, sql -> sessions.endExpired(sql, EXPIRY_BATCH)
                        .compose(ids -> backchannel.enqueue(sql, ids).map(ids.size())))
                .compose(ended -> ended == EXPIRY_BATCH ? endExpired() : Future.succeededFuture());
    }

    /** One statement at a time, each on a connection of its own from the pool, as no two need to agree. */
    public Future<Void> prune() {
        // Sessions past their absolute end are ended first, in batches, each with its back-channel logouts, so
        // expiry tells the apps as every other way a session ends does; only then are they deleted.
        Future<Void> chain = endExpired()
                .compose(v -> sessions.pruneSessions(pool))
                .compose(v -> sessions.pruneRefreshTokens(pool))
                .compose(v -> throttle.prune(pool));
        for (Function<SqlClient, Future<Void>> other : others) {
            chain = chain.compose(v -> other.apply(pool));
        }
        return chain.onFailure(e -> LOG.warn("pruning failed: {}", e.getClass().getSimpleName()));
    }
}
