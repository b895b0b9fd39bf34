package io.latchkey.auth.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** Sessions and their refresh tokens. Every method runs on the caller's {@code sql}, usually its transaction. */
public interface SessionRepository {
    /**
     * Opens a session under an id the caller chose, so the statements that name it can leave together, and records
     * {@code clientId} as one of its clients.
     */
    Future<Void> open(
            SqlClient sql,
            UUID sessionId,
            UUID userId,
            String clientId,
            String scope,
            long authTime,
            OffsetDateTime expiresAt);

    /**
     * Adds a refresh token of {@code clientId} to a session, carrying the scope granted to that client and, when
     * {@code dpopJkt} is not null, bound to that DPoP key (its successors inherit the binding).
     */
    Future<Void> addRefreshToken(
            SqlClient sql,
            UUID sessionId,
            String clientId,
            String scope,
            byte[] tokenHash,
            OffsetDateTime expiresAt,
            String dpopJkt);

    /** Finds a refresh token with its user and locks its session row ({@code FOR UPDATE}). */
    Future<Optional<RefreshTokenState>> lockByRefreshToken(SqlClient sql, byte[] tokenHash);

    /**
     * Locks one session row ({@code FOR UPDATE}) and returns its user, or empty when there is no such session
     * or it has already ended.
     */
    Future<Optional<UUID>> lockOpenById(SqlClient sql, UUID sessionId);

    /** Finds a refresh token with its session and user, without a lock: what a refresh signs from. */
    Future<Optional<RefreshTokenState>> findByRefreshToken(SqlClient sql, byte[] tokenHash);

    /**
     * In one statement: finds a refresh token with its user, locks its session row ({@code FOR UPDATE}, released when
     * the statement's transaction ends) and, when the token is {@code clientId}'s, unused, unexpired at {@code now},
     * its session open and unexpired, its user enabled and the user's {@code tokens_not_before} not above {@code
     * signedIat}, marks it used by compare-and-set and adds its successor, which expires at {@code nextExpiresAt} or
     * the session's end, whichever is first.
     */
    Future<Optional<RefreshAttempt>> rotate(
            SqlClient sql,
            byte[] usedHash,
            String clientId,
            OffsetDateTime now,
            long signedIat,
            byte[] nextHash,
            OffsetDateTime nextExpiresAt);

    /** Locks and lists the open sessions of a user. */
    Future<List<UUID>> lockOpenByUser(SqlClient sql, UUID userId);

    /** Locks and lists the open sessions of a client. */
    Future<List<UUID>> lockOpenByClient(SqlClient sql, String clientId);

    /**
     * Locks and lists up to {@code limit} open sessions of a user created at or before {@code cutoff} (now when
     * null) with ids above {@code after} (any id when null), lowest ids first.
     */
    Future<List<UUID>> lockOpenBatchByUser(SqlClient sql, UUID userId, OffsetDateTime cutoff, UUID after, int limit);

    /**
     * Locks and lists up to {@code limit} open sessions of a client created at or before {@code cutoff} (now when
     * null) with ids above {@code after} (any id when null), lowest ids first. It reads the client's sessions from
     * {@code after} on only, so a job's batches do not each re-read the sessions its earlier batches ended.
     */
    Future<List<UUID>> lockOpenBatchByClient(
            SqlClient sql, String clientId, OffsetDateTime cutoff, UUID after, int limit);

    /** Ends up to {@code limit} open sessions past their absolute end (reason {@code expired}); returns their ids. */
    Future<List<UUID>> endExpired(SqlClient sql, int limit);

    /** Ends the sessions among {@code ids} still open (their rows locked by the caller); returns those it ended. */
    Future<List<UUID>> endAll(SqlClient sql, List<UUID> ids, String reason);

    /** Ends one session; false when it had already ended. */
    Future<Boolean> end(SqlClient sql, UUID sessionId, String reason);

    /**
     * Deletes sessions ended over an hour ago or past their absolute end; their refresh tokens go with them
     * (the foreign key cascades).
     */
    Future<Void> pruneSessions(SqlClient sql);

    /** Deletes refresh tokens past their idle end. */
    Future<Void> pruneRefreshTokens(SqlClient sql);
}
