package io.latchkey.auth.grant;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.dpop.SenderConstrainedTokens;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.session.RefreshAttempt;
import io.latchkey.auth.session.RefreshTokenState;
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
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The refresh_token grant with rotation, holding no lock and no database connection while the token is signed:
 *
 * <ol>
 *   <li>read the token with its session and user, without a lock;
 *   <li>refuse what that read already rules out (another client's token, an ended, expired or disabled one; a used
 *       token is a reuse and ends the session), then fix the claims ({@code iat}, {@code exp}, {@code jti}) and
 *       sign them at key-service;
 *   <li>in one statement, lock the session row, retire the token by compare-and-set and insert its successor, under
 *       conditions that re-check everything the read saw and the signed {@code iat}: token unused and unexpired,
 *       session open and unexpired, user enabled, the user's {@code tokens_not_before} not above {@code iat}. A
 *       lost compare-and-set discards the signed token, which has never left the server.
 * </ol>
 *
 * <p>Why each promise of the refresh grant still holds:
 *
 * <ul>
 *   <li><b>Rotation on every use:</b> a token is answered only when step 3 retired the presented token and
 *       inserted its successor in the same statement.
 *   <li><b>Reuse ends the session:</b> a token read as used in step 1, or found used by step 3, ends its session
 *       in a transaction that locks the session row, lists its {@code sid} and writes the audit row.
 *   <li><b>Of two concurrent uses the second is a reuse:</b> both may read the token unused and both may sign; the
 *       compare-and-set ({@code used_at IS NULL}, re-checked on the newest row version once the session lock is
 *       held) lets exactly one retire it, whichever commits first, and the other is a reuse.
 *   <li><b>A refresh racing a logout commits first or fails:</b> logout, user disable, password change and refresh
 *       reuse end the session under its {@code FOR UPDATE} lock, which step 3 also takes. If step 3 takes the lock
 *       first, it commits before the logout and its access token carries the {@code sid} the logout then lists;
 *       if the logout commits first, step 3 sees the session ended and fails. A mass logout ends its first batch of
 *       sessions so and records a job for the rest; a session that unfinished job covers reads as ended from the
 *       moment the request commits, so the same holds for it.
 *   <li><b>{@code iat} never below the user's {@code not_before}:</b> {@code iat} is at least the {@code
 *       not_before} read in step 1, and step 3 refuses to commit when the user's {@code tokens_not_before} has
 *       risen above it since; every path that raises it also ends the user's sessions under their locks.
 *   <li><b>A signing failure costs nothing:</b> nothing is written before the signature; the presented token stays
 *       good.
 * </ul>
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

    @Override
    public Future<JsonObject> handle(TokenRequest request) {
        byte[] hash = RefreshTokens.hash(request.form().required("refresh_token"));
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
        return sessions.findByRefreshToken(pool, hash)
                .compose(found -> found.isEmpty() ? rejected() : exchange(request, hash, now, found.get()));
    }

    /** Step 2: refuses what the unlocked read rules out, else signs and rotates. */
    private Future<JsonObject> exchange(TokenRequest request, byte[] hash, OffsetDateTime now, RefreshTokenState rt) {
        Client client = request.client();
        if (!rt.clientId().equals(client.clientId())) {
            LOG.info("refresh refused: token of another client presented by client={}", client.clientId());
            return rejected();
        }
        // Before the reuse check: a thief without the key can neither refresh nor, by replaying, end the session.
        SenderConstrainedTokens.requireRefreshKey(rt.dpopJkt(), request.dpopJkt());
        if (rt.sessionEnded()) {
            return rejected();
        }
        if (rt.used()) {
            return reuse(request, rt);
        }
        if (!usable(rt, now)) {
            return rejected();
        }
        String scope = Scopes.grant(request.form().optional("scope"), Scopes.split(rt.scope()));
        JsonObject claims = SenderConstrainedTokens.bind(
                tokens.userToken(
                        rt.userId().toString(),
                        client.clientId(),
                        client.audience(),
                        scope,
                        rt.userTokensNotBefore(),
                        rt.sessionId().toString(),
                        rt.authTime()),
                request.dpopJkt());
        String refresh = RefreshTokens.generate();
        return signer.sign(TokenSigner.ACCESS_TOKEN, client.signingAlg(), claims)
                .compose(token -> sessions.rotate(
                                pool,
                                hash,
                                client.clientId(),
                                now,
                                claims.getLong("iat"),
                                RefreshTokens.hash(refresh),
                                now.plus(refreshTtl))
                        .compose(attempt -> attempt.isEmpty()
                                ? rejected()
                                : settle(request, attempt.get(), now, claims.getLong("iat")))
                        .map(rotated -> {
                            LOG.info(
                                    "token issued grant=refresh_token client={} sub={} sid={} jti={}",
                                    client.clientId(),
                                    rt.userId(),
                                    rt.sessionId(),
                                    claims.getString("jti"));
                            return TokenResponses.of(token, request.dpopJkt(), tokens.ttlSeconds(), scope, refresh);
                        }));
    }

    /** Step 3's answer: rotated, refused for what changed since the read, or a reuse. */
    private Future<Void> settle(TokenRequest request, RefreshAttempt attempt, OffsetDateTime now, long iat) {
        if (attempt.rotated()) {
            return Future.succeededFuture();
        }
        RefreshTokenState rt = attempt.token();
        if (rt.sessionEnded()) {
            return rejected();
        }
        if (rt.used()) {
            return reuse(request, rt);
        }
        if (!usable(rt, now) || rt.userTokensNotBefore() > iat) {
            return rejected();
        }
        // Everything held but nothing rotated: the row read under the lock predates a rotation that committed
        // while this statement waited for it, and the compare-and-set saw it. The second use is a reuse.
        return reuse(request, rt);
    }

    private static boolean usable(RefreshTokenState rt, OffsetDateTime now) {
        return rt.tokenExpiresAt().isAfter(now) && rt.sessionExpiresAt().isAfter(now) && !rt.userDisabled();
    }

    /** Ends the session under its lock (unless something else ended it first) and refuses the request. */
    private <T> Future<T> reuse(TokenRequest request, RefreshTokenState rt) {
        String clientId = request.client().clientId();
        metrics.refreshReuseDetected();
        LOG.warn("refresh token reuse: session ended sid={} client={}", rt.sessionId(), clientId);
        return Transactions.run(pool, sql -> terminator
                        .endIfOpen(sql, rt.sessionId(), "refresh_reuse")
                        .compose(ended -> ended.isEmpty()
                                ? Future.<Void>succeededFuture()
                                : audit.record(
                                        sql,
                                        AuditEvent.refreshReuse(clientId, rt.userId(), rt.sessionId(), request.ip()))))
                .compose(v -> rejected());
    }

    private static <T> Future<T> rejected() {
        return Future.failedFuture(OAuthError.invalidGrant(INVALID));
    }
}
