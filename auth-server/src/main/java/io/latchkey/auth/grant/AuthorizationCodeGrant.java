package io.latchkey.auth.grant;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.authorize.CodeRepository;
import io.latchkey.auth.authorize.CodeState;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.dpop.SenderConstrainedTokens;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.oauth.OpaqueTokens;
import io.latchkey.auth.oidc.IdTokens;
import io.latchkey.auth.oidc.ProfileClaimsSource;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.auth.token.AccessTokenFactory;
import io.latchkey.auth.token.TokenSigner;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The authorization_code grant with PKCE, shaped like the refresh rotation: read the code with its session and
 * user without a lock; refuse what that read rules out; sign; then, in one statement, lock the session row and
 * redeem the code by compare-and-set under conditions that re-check the read and the signed {@code iat}, adding
 * the refresh token and recording the client as one of the session's. So:
 *
 * <ul>
 *   <li><b>Single use across replicas:</b> only the statement that flips {@code used_at} answers with tokens; a
 *       code found used, before or at the compare-and-set, is a replay: the session it was issued in ends (one
 *       {@code sid} entry revokes every token it issued) and the request gets {@code invalid_grant}.
 *   <li><b>Bound to client, redirect URI and challenge:</b> another client's code, a redirect URI other than the
 *       authorization request's, or a verifier whose S256 hash is not the challenge gets {@code invalid_grant} and
 *       changes nothing, so an attacker holding a stolen code cannot burn it.
 *   <li><b>A race with logout:</b> logout ends the session under the same row lock, so the redemption either
 *       commits first (its token carries the {@code sid} the logout lists) or sees the session ended and fails.
 *   <li><b>{@code iat} never below the user's {@code not_before}:</b> as for refresh.
 * </ul>
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.3">RFC 6749 §4.1.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.6">RFC 7636 §4.6</a>
 */
public final class AuthorizationCodeGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(AuthorizationCodeGrant.class);
    static final String INVALID = "The authorization code is invalid, expired or already used";
    /** code-verifier = 43*128unreserved (RFC 7636 §4.1). */
    private static final Pattern VERIFIER = Pattern.compile("[A-Za-z0-9._~-]{43,128}");

    private static final int MAX_CODE_LENGTH = 256;

    private final Pool pool;
    private final CodeRepository codes;
    private final SessionTerminator terminator;
    private final AuditRepository audit;
    private final AccessTokenFactory tokens;
    private final TokenSigner signer;
    private final Duration refreshTtl;
    private final Clock clock;
    private final AuthMetrics metrics;
    private final ProfileClaimsSource profiles;

    public AuthorizationCodeGrant(
            Pool pool,
            CodeRepository codes,
            SessionTerminator terminator,
            AuditRepository audit,
            AccessTokenFactory tokens,
            TokenSigner signer,
            Duration refreshTtl,
            Clock clock,
            AuthMetrics metrics,
            ProfileClaimsSource profiles) {
        this.pool = pool;
        this.codes = codes;
        this.terminator = terminator;
        this.audit = audit;
        this.tokens = tokens;
        this.signer = signer;
        this.refreshTtl = refreshTtl;
        this.clock = clock;
        this.metrics = metrics;
        this.profiles = profiles;
    }

    @Override
    public String type() {
        return "authorization_code";
    }

    @Override
    public Future<JsonObject> handle(TokenRequest request) {
        String code = request.form().required("code");
        String verifier = request.form().required("code_verifier");
        if (!VERIFIER.matcher(verifier).matches()) {
            throw OAuthError.invalidRequest("code_verifier must be 43 to 128 unreserved characters (RFC 7636)");
        }
        if (code.length() > MAX_CODE_LENGTH) {
            return rejected();
        }
        byte[] hash = OpaqueTokens.sha256(code);
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
        return codes.find(pool, hash)
                .compose(found -> found.isEmpty() ? rejected() : exchange(request, hash, verifier, now, found.get()));
    }

    private Future<JsonObject> exchange(
            TokenRequest request, byte[] hash, String verifier, OffsetDateTime now, CodeState code) {
        Client client = request.client();
        if (!code.clientId().equals(client.clientId())) {
            LOG.info("code refused: code of another client presented by client={}", client.clientId());
            return rejected();
        }
        if (code.used()) {
            return replay(request, code);
        }
        if (!redirectUriMatches(code, request.form().optional("redirect_uri"))) {
            LOG.info("code refused: redirect_uri differs client={}", client.clientId());
            return rejected();
        }
        if (!challengeMatches(code.codeChallenge(), verifier)) {
            LOG.info("code refused: code_verifier does not match client={}", client.clientId());
            return rejected();
        }
        SenderConstrainedTokens.requireCodeKey(code.dpopJkt(), request.dpopJkt());
        if (!code.usable(now)) {
            return rejected();
        }
        JsonObject claims = SenderConstrainedTokens.bind(
                tokens.userToken(
                        code.userId().toString(),
                        client.clientId(),
                        client.audience(),
                        code.scope(),
                        code.userTokensNotBefore(),
                        code.sessionId().toString(),
                        code.authTime()),
                request.dpopJkt());
        String refresh = client.allows("refresh_token") ? RefreshTokens.generate() : null;
        long iat = claims.getLong("iat");
        return signer.sign(TokenSigner.ACCESS_TOKEN, client.signingAlg(), claims)
                .compose(token -> idToken(code, client.signingAlg(), claims, token)
                        .compose(idToken -> codes.redeem(
                                        pool,
                                        hash,
                                        client.clientId(),
                                        now,
                                        iat,
                                        refresh == null ? null : RefreshTokens.hash(refresh),
                                        now.plus(refreshTtl),
                                        SenderConstrainedTokens.refreshTokenKey(client, request.dpopJkt()))
                                .compose(redemption -> {
                                    if (redemption.isPresent()
                                            && redemption.get().redeemed()) {
                                        return Future.succeededFuture();
                                    }
                                    if (redemption.isPresent()
                                            && redemption.get().code().used()) {
                                        return replay(request, redemption.get().code());
                                    }
                                    return rejected();
                                })
                                .map(v -> {
                                    LOG.info(
                                            "token issued grant=authorization_code client={} sub={} sid={} jti={}",
                                            client.clientId(),
                                            code.userId(),
                                            code.sessionId(),
                                            claims.getString("jti"));
                                    JsonObject body = TokenResponses.of(
                                            token, request.dpopJkt(), tokens.ttlSeconds(), code.scope(), refresh);
                                    return idToken == null ? body : body.put("id_token", idToken);
                                })));
    }

    /**
     * The ID token beside the access token when {@code openid} was granted (OpenID Connect Core §3.1.3.3), else
     * null. Signed before the code is redeemed, so a signing failure leaves the code usable.
     */
    private Future<String> idToken(CodeState code, String alg, JsonObject accessClaims, String accessToken) {
        if (!IdTokens.requested(code.scope())) {
            return Future.succeededFuture(null);
        }
        return profiles.claims(code.userId(), code.scope())
                .compose(profile -> signer.sign(
                        TokenSigner.ID_TOKEN, alg, IdTokens.claims(accessClaims, accessToken, code.nonce(), profile)));
    }

    /**
     * The token request's {@code redirect_uri} must be the authorization request's when that one had it
     * (RFC 6749 §4.1.3); when it did not, one sent anyway must still be the URI the code went to.
     */
    private static boolean redirectUriMatches(CodeState code, Optional<String> sent) {
        if (code.redirectUriGiven()) {
            return sent.isPresent() && sent.get().equals(code.redirectUri());
        }
        return sent.isEmpty() || sent.get().equals(code.redirectUri());
    }

    /** BASE64URL(SHA-256(ASCII(verifier))) = challenge, compared in constant time (RFC 7636 §4.6). */
    static boolean challengeMatches(String challenge, String verifier) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
            String computed = Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
            return MessageDigest.isEqual(
                    computed.getBytes(StandardCharsets.US_ASCII), challenge.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }

    /** A second use: ends the code's session under its lock, revoking what the code issued, and refuses. */
    private <T> Future<T> replay(TokenRequest request, CodeState code) {
        String clientId = request.client().clientId();
        metrics.codeReplayDetected();
        LOG.warn("authorization code replay: session ended sid={} client={}", code.sessionId(), clientId);
        return Transactions.run(pool, sql -> terminator
                        .endIfOpen(sql, code.sessionId(), "code_replay")
                        .compose(ended -> ended.isEmpty()
                                ? Future.<Void>succeededFuture()
                                : audit.record(
                                        sql,
                                        AuditEvent.codeReplay(
                                                clientId, code.userId(), code.sessionId(), request.ip()))))
                .compose(v -> rejected());
    }

    private static <T> Future<T> rejected() {
        return Future.failedFuture(OAuthError.invalidGrant(INVALID));
    }
}
