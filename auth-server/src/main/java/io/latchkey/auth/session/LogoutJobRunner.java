package io.latchkey.auth.session;

import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the unfinished logout jobs of every replica, one batch per transaction: the transaction claims a job's row
 * ({@code FOR UPDATE SKIP LOCKED}), ends up to a batch of its sessions with their sid entries (the writers' lock is
 * held for that batch only, so the feed streams batch by batch and other writers wait for one batch at most), adds
 * to the job's count and commits. A replica killed half-way loses only its open batch, which rolls back; the next
 * poll of any replica, this one after a restart included, claims the job and goes on from the sessions still open.
 * Everything is asynchronous on the pool: nothing blocks the event loop.
 */
public final class LogoutJobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogoutJobRunner.class);

    private final Vertx vertx;
    private final Pool pool;
    private final LogoutJobRepository jobs;
    private final SessionTerminator terminator;
    private final int batchSize;
    private final long pollMillis;
    private final AuthMetrics metrics;
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile boolean stopped;
    private long timer = -1;

    public LogoutJobRunner(
            Vertx vertx,
            Pool pool,
            LogoutJobRepository jobs,
            SessionTerminator terminator,
            int batchSize,
            long pollMillis,
            AuthMetrics metrics) {
        this.vertx = vertx;
        this.pool = pool;
        this.jobs = jobs;
        this.terminator = terminator;
        this.batchSize = batchSize;
        this.pollMillis = pollMillis;
        this.metrics = metrics;
    }

    /** Looks for unfinished jobs now (resuming any a stopped replica left) and every poll period after. */
    public void start() {
        timer = vertx.setPeriodic(0, pollMillis, id -> drain());
    }

    /** No batch starts after this; one in flight commits or rolls back on its own. */
    public void stop() {
        stopped = true;
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void drain() {
        if (stopped || !draining.compareAndSet(false, true)) {
            return;
        }
        nextBatch();
    }

    /** Each batch starts from the previous one's callback: no chain of futures grows with the job. */
    private void nextBatch() {
        if (stopped) {
            draining.set(false);
            return;
        }
        runBatch().onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
                nextBatch();
                return;
            }
            draining.set(false);
            if (ar.failed()) {
                // Retried at the next poll; the failed batch rolled back.
                LOG.error("logout job batch failed", ar.cause());
            }
        });
    }

    /** One batch of the oldest unclaimed job in its own transaction; false when there was no job to claim. */
    public Future<Boolean> runBatch() {
        return Transactions.run(pool, sql -> jobs.claimNext(sql).compose(found -> {
                    if (found.isEmpty()) {
                        return Future.succeededFuture(-1);
                    }
                    LogoutJob job = found.get();
                    return terminator.endBatch(sql, job, batchSize).compose(ended -> jobs.recordBatch(
                                    sql, job.id(), ended, ended < batchSize)
                            .map(ended));
                }))
                .onSuccess(ended -> {
                    if (ended > 0) {
                        metrics.logoutJobSessionsEnded(ended);
                    }
                })
                .map(ended -> ended >= 0);
    }
}
