package io.latchkey.auth.grant;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.session.LockedRefreshToken;
import io.latchkey.auth.session.RefreshAttempt;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.session.SessionRepository;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.auth.token.AccessTokenFactory;
import io.latchkey.auth.token.Scopes;
import io.latchkey.auth.token.TokenSigner;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh_token grant with rotation. The session row is locked ({@code FOR UPDATE}) for the whole exchange,
 * so a refresh serialises with logout, reuse detection and user disable; the lock, the compare-and-set that
 * retires the old token and its successor are one statement, and {@code iat}/{@code exp} are fixed and the token
 * signed inside that transaction. A token that was already used ends the whole session and is answered {@code
 * invalid_grant}; a token of another client is refused with the session untouched.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-6">RFC 6749 §6</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.14.2">RFC 9700 §4.14.2</a>
 */
public final class RefreshTokenGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(RefreshTokenGrant.class);
    static final String INVALID = "The refresh token is invalid, expired or revoked";

    private final Pool pool;
    private final SessionRepository sessions;
    private final SessionTerminator terminator;
    private final AuditRepository audit;
    private final AccessTokenFactory tokens;
    private final TokenSigner signer;
    private final Duration refreshTtl;
    private final Clock clock;
    private final AuthMetrics metrics;

    public RefreshTokenGrant(
            Pool pool,
            SessionRepository sessions,
            SessionTerminator terminator,
            AuditRepository audit,
            AccessTokenFactory tokens,
            TokenSigner signer,
            Duration refreshTtl,
            Clock clock,
            AuthMetrics metrics) {
        this.pool = pool;
        this.sessions = sessions;
        this.terminator = terminator;
        this.audit = audit;
        this.tokens = tokens;
        this.signer = signer;
        this.refreshTtl = refreshTtl;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public String type() {
        return "refresh_token";
    }

    /** What the transaction decided: a body to send, or an error to send after the commit. */
    private record Outcome(JsonObject body, OAuthError error) {}

    @Override
    public Future<JsonObject> handle(TokenRequest request) {
        String presented = request.form().required("refresh_token");
        byte[] hash = RefreshTokens.hash(presented);
        String refresh = RefreshTokens.generate();
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
        return Transactions.run(pool, sql -> sessions.lockAndRotate(
                                sql,
                                hash,
                                request.client().clientId(),
                                now,
                                RefreshTokens.hash(refresh),
                                now.plus(refreshTtl))
                        .compose(found ->
                                found.isEmpty() ? rejected() : exchange(sql, request, now, refresh, found.get())))
                .compose(outcome -> outcome.error() == null
                        ? Future.succeededFuture(outcome.body())
                        : Future.failedFuture(outcome.error()));
    }

    /**
     * Answers from what the statement found, checking the same conditions it rotated under. A failure thrown here
     * (a widened scope) rolls the rotation back; an {@link Outcome} with an error commits what it wrote.
     */
    private Future<Outcome> exchange(
            SqlConnection sql, TokenRequest request, OffsetDateTime now, String refresh, RefreshAttempt attempt) {
        Client client = request.client();
        LockedRefreshToken rt = attempt.token();
        if (!rt.clientId().equals(client.clientId())) {
            LOG.info("refresh refused: token of another client presented by client={}", client.clientId());
            return rejected();
        }
        if (rt.sessionEnded()) {
            return rejected();
        }
        if (rt.used()) {
            return reuse(sql, request, rt);
        }
        if (!rt.tokenExpiresAt().isAfter(now) || !rt.sessionExpiresAt().isAfter(now)) {
            return rejected();
        }
        if (rt.userDisabled()) {
            return rejected();
        }
        String scope = Scopes.grant(request.form().optional("scope"), Scopes.split(rt.scope()));
        if (!attempt.rotated()) {
            // The row read under the lock can predate a concurrent rotation that committed while this
            // transaction waited; the compare-and-set saw it, and the second use is a reuse.
            return reuse(sql, request, rt);
        }
        JsonObject claims = tokens.userToken(
                rt.userId().toString(),
                client.clientId(),
                client.audience(),
                scope,
                rt.userTokensNotBefore(),
                rt.sessionId().toString(),
                rt.authTime());
        return signer.sign(claims).map(token -> {
            LOG.info(
                    "token issued grant=refresh_token client={} sub={} sid={} jti={}",
                    client.clientId(),
                    rt.userId(),
                    rt.sessionId(),
                    claims.getString("jti"));
            return new Outcome(TokenResponses.of(token, tokens.ttlSeconds(), scope, refresh), null);
        });
    }

    private Future<Outcome> reuse(SqlConnection sql, TokenRequest request, LockedRefreshToken rt) {
        String clientId = request.client().clientId();
        metrics.refreshReuseDetected();
        LOG.warn("refresh token reuse: session ended sid={} client={}", rt.sessionId(), clientId);
        return terminator
                .endSession(sql, rt.sessionId(), "refresh_reuse")
                .compose(v ->
                        audit.record(sql, AuditEvent.refreshReuse(clientId, rt.userId(), rt.sessionId(), request.ip())))
                .compose(v -> rejected());
    }

    private static Future<Outcome> rejected() {
        return Future.succeededFuture(new Outcome(null, OAuthError.invalidGrant(INVALID)));
    }
}
