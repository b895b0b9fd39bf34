package io.latchkey.auth.session;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the unfinished logout jobs of every replica, one batch per transaction: the transaction claims a job's row
 * ({@code FOR UPDATE SKIP LOCKED}), ends up to a batch of its sessions above the job's cursor with their sid entries
 * (the writers' lock is held for that batch only, so the feed streams batch by batch and other writers wait for one
 * batch at most), adds to the job's count, moves the cursor and commits. A replica killed half-way loses only its
 * open batch, which rolls back with its cursor move; the next poll of any replica, this one after a restart
 * included, claims the job and goes on from the committed cursor.
 *
 * <p>When a batch from the cursor comes up short, one more pass starts from the lowest id, for a session that
 * committed behind the cursor (created before the job's cutoff by a transaction that committed late); a short batch
 * of that pass finishes the job, and its transaction writes a {@code logout_job_finished} audit row with the mass
 * logout's whole count. Everything is asynchronous on the pool: nothing blocks the event loop.
 */
public final class LogoutJobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(LogoutJobRunner.class);

    private final Vertx vertx;
    private final Pool pool;
    private final LogoutJobRepository jobs;
    private final SessionTerminator terminator;
    private final AuditRepository audit;
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
            AuditRepository audit,
            int batchSize,
            long pollMillis,
            AuthMetrics metrics) {
        this.vertx = vertx;
        this.pool = pool;
        this.jobs = jobs;
        this.terminator = terminator;
        this.audit = audit;
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
                    return terminator.endBatch(sql, job, batchSize).compose(batch -> record(sql, job, batch)
                            .map(batch.ended()));
                }))
                .onSuccess(ended -> {
                    if (ended > 0) {
                        metrics.logoutJobSessionsEnded(ended);
                    }
                })
                .map(ended -> ended >= 0);
    }

    /** Moves the job on past {@code batch}: its count, its cursor, and whether it is finished. */
    private Future<Void> record(SqlClient sql, LogoutJob job, SessionTerminator.Batch batch) {
        boolean full = batch.locked().size() >= batchSize;
        // A short batch from a cursor starts the pass from the lowest id; a short batch of that pass is the end.
        UUID after = full ? batch.last().orElseThrow() : null;
        boolean finished = !full && job.afterSession().isEmpty();
        return jobs.recordBatch(sql, job.id(), batch.ended(), after, finished)
                .compose(updated -> finished
                        ? audit.record(
                                sql,
                                AuditEvent.logoutJobFinished(
                                        updated.id(),
                                        updated.userId().orElse(null),
                                        updated.kind() == LogoutJob.Kind.CLIENT ? updated.target() : null,
                                        updated.reason(),
                                        updated.endedCount()))
                        : Future.succeededFuture());
    }
}
