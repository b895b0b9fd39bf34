package io.latchkey.auth.session;

import io.latchkey.auth.backchannel.BackchannelOutbox;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.feed.RevocationRepository;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.user.UserRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The one place that ends sessions and kills tokens, always on the caller's transaction so the revocation
 * entries commit with the change that caused them. A {@code sid} entry per ended session and, when all of a
 * user's or client's tokens must die, a {@code sub} entry with {@code not_before} = now rounded up to the next
 * second, plus a raised {@code tokens_not_before} so later tokens carry {@code iat} at or above it. Entries are
 * appended only through {@code revocation_append}, which serialises writers so seq order is commit order. Every
 * statement runs on the caller's {@code sql}, each once the previous one has answered.
 *
 * <p>Ending all of a user's or client's sessions ends at most one batch in the caller's transaction; when more
 * remain it records a {@link LogoutJob} there too, and {@code LogoutJobRunner} ends the rest in batches of their own,
 * each through {@link #endBatch}. The {@code sub} entry, the raised {@code tokens_not_before} and (for a disable) the
 * disabled flag commit with the request, so no refresh or new token succeeds from then on; a refresh that committed
 * before left its session open, and the job lists that session's sid.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
 */
public final class SessionTerminator {
    /** Sessions ended per transaction when all of a user's or client's sessions end. */
    public static final int BATCH_SIZE = 1000;

    private final SessionRepository sessions;
    private final UserRepository users;
    private final ClientRepository clients;
    private final RevocationRepository revocations;
    private final Duration accessTokenTtl;
    private final Clock clock;
    private final AuthMetrics metrics;
    private final BackchannelOutbox backchannel;
    private final LogoutJobRepository jobs;
    private final int batchSize;

    /** As below, with logout jobs in PostgreSQL and batches of {@value #BATCH_SIZE} sessions. */
    public SessionTerminator(
            SessionRepository sessions,
            UserRepository users,
            ClientRepository clients,
            RevocationRepository revocations,
            Duration accessTokenTtl,
            Clock clock,
            AuthMetrics metrics,
            BackchannelOutbox backchannel) {
        this(
                sessions,
                users,
                clients,
                revocations,
                accessTokenTtl,
                clock,
                metrics,
                backchannel,
                new PgLogoutJobRepository(),
                BATCH_SIZE);
    }

    /**
     * Counts every entry it appends in {@code metrics}, by type; queues a back-channel logout in {@code backchannel}
     * for every session it ends, in the same transaction.
     */
    public SessionTerminator(
            SessionRepository sessions,
            UserRepository users,
            ClientRepository clients,
            RevocationRepository revocations,
            Duration accessTokenTtl,
            Clock clock,
            AuthMetrics metrics,
            BackchannelOutbox backchannel,
            LogoutJobRepository jobs,
            int batchSize) {
        this.jobs = jobs;
        this.batchSize = batchSize;
        this.sessions = sessions;
        this.users = users;
        this.clients = clients;
        this.revocations = revocations;
        this.accessTokenTtl = accessTokenTtl;
        this.clock = clock;
        this.metrics = metrics;
        this.backchannel = backchannel;
    }

    /**
     * Ends one session (its row must already be locked by the caller), lists its {@code sid} and queues its
     * back-channel logouts.
     */
    public Future<Void> endSession(SqlClient sql, UUID sessionId, String reason) {
        return sessions.end(sql, sessionId, reason)
                .compose(ended -> ended
                        ? appendSid(sql, sessionId).compose(v -> backchannel.enqueue(sql, List.of(sessionId)))
                        : Future.succeededFuture());
    }

    /**
     * Locks one session and, while it is still open, ends it as {@link #endSession} does; returns its user when it
     * ended it, empty when something else had ended it first.
     */
    public Future<Optional<UUID>> endIfOpen(SqlClient sql, UUID sessionId, String reason) {
        return sessions.lockOpenById(sql, sessionId)
                .compose(user -> user.isEmpty()
                        ? Future.succeededFuture(user)
                        : endSession(sql, sessionId, reason).map(user));
    }

    /**
     * Ends the open sessions of a user (the first batch here, the rest by a job recorded here) and revokes all of the
     * user's tokens issued before now.
     */
    public Future<SessionsEnded> endUser(SqlClient sql, UUID userId, String reason) {
        long notBefore = notBefore();
        return sessions.lockOpenBatchByUser(sql, userId, null, null, batchSize)
                .compose(ids -> endAll(sql, ids, reason).map(ids))
                .compose(ids -> jobIfMore(sql, ids, LogoutJob.Kind.USER, userId.toString(), reason))
                .compose(ended -> appendSub(sql, userId.toString(), notBefore).map(ended))
                .compose(ended ->
                        users.raiseTokensNotBefore(sql, userId, notBefore).map(ended));
    }

    /**
     * Ends the open sessions of a client (the first batch here, the rest by a job recorded here) and revokes its
     * client_credentials tokens issued before now.
     */
    public Future<SessionsEnded> endClient(SqlClient sql, String clientId, String reason) {
        long notBefore = notBefore();
        return sessions.lockOpenBatchByClient(sql, clientId, null, null, batchSize)
                .compose(ids -> endAll(sql, ids, reason).map(ids))
                .compose(ids -> jobIfMore(sql, ids, LogoutJob.Kind.CLIENT, clientId, reason))
                .compose(ended -> appendSub(sql, clientId, notBefore).map(ended))
                .compose(ended ->
                        clients.raiseTokensNotBefore(sql, clientId, notBefore).map(ended));
    }

    /**
     * One batch of {@code job} on the caller's transaction, which must hold the job's row: locks up to {@code limit}
     * of its open sessions above the job's cursor, ends them, queues their back-channel logouts and lists their sids.
     */
    public Future<Batch> endBatch(SqlClient sql, LogoutJob job, int limit) {
        UUID after = job.afterSession().orElse(null);
        Future<List<UUID>> locked = job.kind() == LogoutJob.Kind.USER
                ? sessions.lockOpenBatchByUser(sql, UUID.fromString(job.target()), job.cutoff(), after, limit)
                : sessions.lockOpenBatchByClient(sql, job.target(), job.cutoff(), after, limit);
        return locked.compose(ids -> endAll(sql, ids, job.reason()).map(ended -> new Batch(ids, ended)));
    }

    /**
     * One batch of a logout job: the sessions it locked, in id order, and how many of them it ended.
     *
     * @param locked the sessions locked, lowest id first; fewer than the limit means none remained above the cursor
     * @param ended how many of them this batch ended (all, as they were open and locked)
     */
    public record Batch(List<UUID> locked, int ended) {
        /** The highest session id of the batch: the job's next cursor. */
        public Optional<UUID> last() {
            return locked.isEmpty() ? Optional.empty() : Optional.of(locked.get(locked.size() - 1));
        }
    }

    /**
     * A full batch may leave sessions behind: a job ends them, from the caller's transaction's start, its count
     * starting at the sessions ended here and its cursor at the highest of them.
     */
    private Future<SessionsEnded> jobIfMore(
            SqlClient sql, List<UUID> ended, LogoutJob.Kind kind, String target, String reason) {
        if (ended.size() < batchSize) {
            return Future.succeededFuture(new SessionsEnded(ended, Optional.empty()));
        }
        UUID job = UUID.randomUUID();
        return jobs.create(sql, job, kind, target, reason, ended.size(), ended.get(ended.size() - 1))
                .map(new SessionsEnded(ended, Optional.of(job)));
    }

    /**
     * Lists one access token's {@code jti} until its {@code exp} + 60 s, the latest moment a verifier with 60 s
     * of leeway could still accept it.
     */
    public Future<Void> revokeAccessToken(SqlClient sql, String jti, long exp) {
        return append(sql, "jti", jti, null, exp + 60);
    }

    /**
     * Ends many sessions in a fixed number of statements, whatever their number: end them, queue their back-channel
     * logouts, then list every {@code sid} in one statement. The writers' lock is taken only by that last one, so a
     * mass logout holds it for a round trip or two, not one per session.
     */
    private Future<Integer> endAll(SqlClient sql, List<UUID> ids, String reason) {
        return sessions.endAll(sql, ids, reason).compose(ended -> backchannel
                .enqueue(sql, ended)
                .compose(v -> revocations.appendAll(
                        sql, "sid", ended.stream().map(UUID::toString).toList(), null, expiresAt()))
                .onSuccess(count -> {
                    for (int i = 0; i < count; i++) {
                        metrics.revocationAppended("sid");
                    }
                })
                .map(ended.size()));
    }

    private Future<Void> appendSid(SqlClient sql, UUID sessionId) {
        return append(sql, "sid", sessionId.toString(), null, expiresAt());
    }

    private Future<Void> appendSub(SqlClient sql, String subject, long notBefore) {
        return append(sql, "sub", subject, notBefore, expiresAt());
    }

    private Future<Void> append(SqlClient sql, String type, String value, Long notBefore, long expiresAt) {
        return revocations
                .append(sql, type, value, notBefore, expiresAt)
                .onSuccess(seq -> metrics.revocationAppended(type))
                .mapEmpty();
    }

    /** Now rounded up to the next whole second: tokens issued in this second are revoked too. */
    private long notBefore() {
        long millis = clock.millis();
        return millis / 1000 + 1;
    }

    private long expiresAt() {
        return clock.millis() / 1000 + accessTokenTtl.toSeconds() + 60;
    }
}
