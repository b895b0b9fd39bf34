package io.latchkey.auth.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** The {@code logout_jobs} table. Every method runs on the caller's {@code sql}. */
public interface LogoutJobRepository {
    /**
     * Records a job whose cutoff is the caller's transaction start, so it covers what that transaction saw; its count
     * starts at the {@code ended} sessions the caller's transaction ended, the highest of them {@code afterSession}.
     */
    Future<Void> create(
            SqlClient sql, UUID id, LogoutJob.Kind kind, String target, String reason, int ended, UUID afterSession);

    /**
     * Locks the oldest unfinished job no other transaction holds ({@code FOR UPDATE SKIP LOCKED}): the caller's
     * transaction owns it until it ends, so two replicas never run a batch of the same job at once.
     */
    Future<Optional<LogoutJob>> claimNext(SqlClient sql);

    /**
     * Adds {@code ended} to the job's count, moves its cursor to {@code afterSession} (null: the next batch starts
     * from the lowest id) and, when {@code finished}, marks it finished; returns the job as updated.
     */
    Future<LogoutJob> recordBatch(SqlClient sql, UUID id, int ended, UUID afterSession, boolean finished);

    Future<Optional<LogoutJob>> find(SqlClient sql, UUID id);

    /** The unfinished jobs, oldest first, at most {@code limit}. */
    Future<List<LogoutJob>> unfinished(SqlClient sql, int limit);
}
