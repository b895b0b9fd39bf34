package io.latchkey.auth.session;

import io.latchkey.auth.metrics.AuthMetrics;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The one place that ends sessions and kills tokens, always on the caller's transaction so the revocation
 * entries commit with the change that caused them. A {@code sid} entry per ended session and, when all of a
 * user's or client's tokens must die, a {@code sub} entry with {@code not_before} = now rounded up to the next
 * second, plus a raised {@code tokens_not_before} so later tokens carry {@code iat} at or above it. Entries are
 * appended only through {@code revocation_append}, which serialises writers so seq order is commit order.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
 */
public final class SessionTerminator {
    private static final String APPEND = "SELECT revocation_append($1, $2, $3, $4)";
    private static final String RAISE_USER = """
            UPDATE users SET tokens_not_before = GREATEST(tokens_not_before, $2), updated_at = now() WHERE id = $1""";
    private static final String RAISE_CLIENT = """
            UPDATE clients SET tokens_not_before = GREATEST(tokens_not_before, $2), updated_at = now()
            WHERE client_id = $1""";

    private final SessionRepository sessions;
    private final Duration accessTokenTtl;
    private final Clock clock;
    private final AuthMetrics metrics;

    public SessionTerminator(SessionRepository sessions, Duration accessTokenTtl, Clock clock) {
        this(sessions, accessTokenTtl, clock, new AuthMetrics());
    }

    /** Counts every entry it appends in {@code metrics}, by type. */
    public SessionTerminator(SessionRepository sessions, Duration accessTokenTtl, Clock clock, AuthMetrics metrics) {
        this.sessions = sessions;
        this.accessTokenTtl = accessTokenTtl;
        this.clock = clock;
        this.metrics = metrics;
    }

    /** Ends one session (its row must already be locked by the caller) and lists its {@code sid}. */
    public Future<Void> endSession(SqlClient sql, UUID sessionId, String reason) {
        return sessions.end(sql, sessionId, reason)
                .compose(ended -> ended ? appendSid(sql, sessionId) : Future.succeededFuture());
    }

    /** Ends every open session of a user and revokes all of the user's tokens issued before now. */
    public Future<List<UUID>> endUser(SqlClient sql, UUID userId, String reason) {
        long notBefore = notBefore();
        return sessions.lockOpenByUser(sql, userId)
                .compose(ids -> endAll(sql, ids, reason).map(ids))
                .compose(ids -> appendSub(sql, userId.toString(), notBefore).map(ids))
                .compose(ids -> sql.preparedQuery(RAISE_USER)
                        .execute(Tuple.of(userId, notBefore))
                        .map(ids));
    }

    /** Ends every open session of a client and revokes its client_credentials tokens issued before now. */
    public Future<List<UUID>> endClient(SqlClient sql, String clientId, String reason) {
        long notBefore = notBefore();
        return sessions.lockOpenByClient(sql, clientId)
                .compose(ids -> endAll(sql, ids, reason).map(ids))
                .compose(ids -> appendSub(sql, clientId, notBefore).map(ids))
                .compose(ids -> sql.preparedQuery(RAISE_CLIENT)
                        .execute(Tuple.of(clientId, notBefore))
                        .map(ids));
    }

    /**
     * Lists one access token's {@code jti} until its {@code exp} + 60 s, the latest moment a verifier with 60 s
     * of leeway could still accept it.
     */
    public Future<Void> revokeAccessToken(SqlClient sql, String jti, long exp) {
        return append(sql, "jti", jti, null, exp + 60);
    }

    private Future<Void> endAll(SqlClient sql, List<UUID> ids, String reason) {
        Future<Void> chain = Future.succeededFuture();
        for (UUID id : ids) {
            chain = chain.compose(v -> endSession(sql, id, reason));
        }
        return chain;
    }

    private Future<Void> appendSid(SqlClient sql, UUID sessionId) {
        return append(sql, "sid", sessionId.toString(), null, expiresAt());
    }

    private Future<Void> appendSub(SqlClient sql, String subject, long notBefore) {
        return append(sql, "sub", subject, notBefore, expiresAt());
    }

    private Future<Void> append(SqlClient sql, String type, String value, Long notBefore, long expiresAt) {
        return sql.preparedQuery(APPEND)
                .execute(Tuple.of(type, value, notBefore, expiresAt))
                .onSuccess(rows -> metrics.revocationAppended(type))
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
