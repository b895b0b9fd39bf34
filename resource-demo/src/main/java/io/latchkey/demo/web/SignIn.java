package io.latchkey.demo.web;

import io.latchkey.demo.web.SignInProblem.Reason;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The authorization code flow with PKCE, as an OpenID relying party: {@link #start} keeps a new state, nonce and PKCE
 * verifier for this browser and names the authorization URL; {@link #complete} takes the authorization response apart
 * in the order the RFCs ask (the state must be one this browser started, the {@code iss} must be the issuer, then an
 * error is shown or the code is redeemed with the verifier), verifies the ID token that must come with the tokens
 * (signature against the issuer's JWKS, then {@link IdTokenClaims}: issuer, audience, times, this sign-in's nonce,
 * {@code at_hash}), and asks the demo API whose the access token is, which must be the ID token's {@code sub}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-2.1">RFC 9700 §2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207#section-2.4">RFC 9207 §2.4</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowTokenValidation">OpenID Connect Core §3.1.3.5–3.1.3.8</a>
 */
public final class SignIn {
    /** A pre-login cookie value as {@link RandomValues#token()} makes it. */
    private static final Pattern BROWSER_KEY = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final WebAppSettings settings;
    private final PendingLogins pending;
    private final AuthServer authServer;
    private final IssuerSignatures signatures;
    private final Function<String, Future<String>> subjectOfAccessToken;
    private final Clock clock;

    /**
     * {@code signatures} checks the ID token's signature ({@link io.latchkey.verifier.Verifier#verifySigned});
     * {@code subjectOfAccessToken} asks the API whose token it is ({@link NotesApi#subject}).
     */
    public SignIn(
            WebAppSettings settings,
            PendingLogins pending,
            AuthServer authServer,
            IssuerSignatures signatures,
            Function<String, Future<String>> subjectOfAccessToken,
            Clock clock) {
        this.settings = settings;
        this.pending = pending;
        this.authServer = authServer;
        this.signatures = signatures;
        this.subjectOfAccessToken = subjectOfAccessToken;
        this.clock = clock;
    }

    /** A sign-in about to start: the pre-login cookie value to set and where to send the browser. */
    public record Start(String browserKey, String authorizationUrl) {}

    /**
     * Starts a sign-in for the browser with the pre-login cookie {@code browserKey} (kept when well formed, so
     * sign-ins started in two tabs both complete; else a new one).
     *
     * @throws SignInProblem {@link Reason#BUSY} when too many sign-ins are under way
     */
    public Start start(String browserKey) {
        String key =
                browserKey != null && BROWSER_KEY.matcher(browserKey).matches() ? browserKey : RandomValues.token();
        try {
            return new Start(key, authServer.authorizationUrl(pending.start(key)));
        } catch (PendingLogins.Full e) {
            throw new SignInProblem(Reason.BUSY, "too many sign-ins under way");
        }
    }

    /** Completes the sign-in the authorization response belongs to; fails with a {@link SignInProblem}. */
    public Future<SignedIn> complete(String browserKey, CallbackParams response) {
        if (response.malformed()) {
            return Future.failedFuture(new SignInProblem(Reason.MALFORMED, "a parameter came more than once"));
        }
        Optional<PendingLogin> started = pending.take(browserKey, response.state());
        if (started.isEmpty()) {
            return Future.failedFuture(
                    new SignInProblem(Reason.UNKNOWN_STATE, "no sign-in under way with that state in this browser"));
        }
        if (!settings.issuer().equals(response.iss())) {
            return Future.failedFuture(new SignInProblem(
                    Reason.WRONG_ISSUER, response.iss() == null ? "no iss" : "iss is not the issuer"));
        }
        if (response.error() != null) {
            return Future.failedFuture(SignInProblem.denied(response.error(), response.errorDescription()));
        }
        if (response.code() == null || response.code().isEmpty()) {
            return Future.failedFuture(new SignInProblem(Reason.MALFORMED, "neither code nor error"));
        }
        PendingLogin login = started.get();
        Instant now = clock.instant();
        return authServer
                .redeem(response.code(), login, now)
                .recover(e -> Future.failedFuture(redeemProblem(e)))
                .compose(tokens -> idToken(tokens, login).compose(claims -> subjectOfAccessToken
                        .apply(tokens.accessToken())
                        .recover(e -> Future.failedFuture(apiProblem(e)))
                        .map(subject -> signedIn(subject, claims, tokens))));
    }

    /** The ID token of the token response, its signature verified and its claims checked against this sign-in. */
    private Future<IdTokenClaims> idToken(Tokens tokens, PendingLogin login) {
        if (tokens.idToken().isEmpty()) {
            // Scope openid was asked for: OpenID Connect Core §3.1.3.3 makes the ID token part of the answer.
            return Future.failedFuture(new SignInProblem(Reason.FAILED, "the token response has no ID token"));
        }
        IdTokenClaims.Expected expected =
                new IdTokenClaims.Expected(settings.issuer(), settings.clientId(), login.nonce(), tokens.accessToken());
        return signatures
                .verify(tokens.idToken().get(), IssuerSignatures.ID_TOKEN)
                .recover(e -> Future.failedFuture(
                        e instanceof TokenRejected rejected
                                ? new SignInProblem(Reason.REJECTED, "ID token: " + rejected.getMessage())
                                : e instanceof VerifierUnavailable
                                        ? new SignInProblem(Reason.UNAVAILABLE, "the issuer's keys are not current", e)
                                        : new SignInProblem(Reason.FAILED, "ID token: " + e.getMessage(), e)))
                .compose(signed -> {
                    try {
                        return Future.succeededFuture(IdTokenClaims.check(signed, expected, clock.instant()));
                    } catch (IdTokenClaims.Rejected e) {
                        return Future.failedFuture(new SignInProblem(Reason.REJECTED, e.getMessage()));
                    }
                });
    }

    private static SignedIn signedIn(String subject, IdTokenClaims claims, Tokens tokens) {
        if (!claims.subject().equals(subject)) {
            throw new SignInProblem(Reason.REJECTED, "the ID token names another user than the access token");
        }
        return new SignedIn(subject, claims.displayName(), claims.sessionId(), tokens);
    }

    private static SignInProblem redeemProblem(Throwable e) {
        if (e instanceof AuthServer.Refused refused) {
            return new SignInProblem(Reason.FAILED, "the token endpoint refused the code: " + refused.error());
        }
        if (e instanceof AuthServer.Unavailable) {
            return new SignInProblem(Reason.UNAVAILABLE, e.getMessage(), e);
        }
        return new SignInProblem(Reason.FAILED, "unusable token response: " + e.getMessage(), e);
    }

    private static SignInProblem apiProblem(Throwable e) {
        if (e instanceof NotesApi.Unavailable) {
            return new SignInProblem(Reason.UNAVAILABLE, e.getMessage(), e);
        }
        return new SignInProblem(Reason.FAILED, "the API did not accept the new access token: " + e.getMessage(), e);
    }
}
