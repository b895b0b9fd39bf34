package io.latchkey.demo.web;

import io.latchkey.demo.web.SignInProblem.Reason;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The authorization code flow with PKCE, as a client: {@link #start} keeps a new state, nonce and PKCE verifier for
 * this browser and names the authorization URL; {@link #complete} takes the authorization response apart in the order
 * the RFCs ask (the state must be one this browser started, the {@code iss} must be the issuer, then an error is
 * shown or the code is redeemed with the verifier), learns the user's {@code sub} from the demo API with the new
 * access token and, when an ID token came too, checks it belongs to this sign-in.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-2.1">RFC 9700 §2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207#section-2.4">RFC 9207 §2.4</a>
 */
public final class SignIn {
    /** A pre-login cookie value as {@link RandomValues#token()} makes it. */
    private static final Pattern BROWSER_KEY = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final WebAppSettings settings;
    private final PendingLogins pending;
    private final AuthServer authServer;
    private final Function<String, Future<String>> subjectOfAccessToken;
    private final Clock clock;

    /** {@code subjectOfAccessToken} asks the API whose token it is ({@link NotesApi#subject}). */
    public SignIn(
            WebAppSettings settings,
            PendingLogins pending,
            AuthServer authServer,
            Function<String, Future<String>> subjectOfAccessToken,
            Clock clock) {
        this.settings = settings;
        this.pending = pending;
        this.authServer = authServer;
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
                .compose(tokens -> subjectOfAccessToken
                        .apply(tokens.accessToken())
                        .recover(e -> Future.failedFuture(apiProblem(e)))
                        .map(subject -> signedIn(subject, tokens, login)));
    }

    private SignedIn signedIn(String subject, Tokens tokens, PendingLogin login) {
        if (tokens.idToken().isEmpty()) {
            return new SignedIn(subject, subject, Optional.empty(), tokens);
        }
        IdTokenClaims claims;
        try {
            claims = IdTokenClaims.check(
                    tokens.idToken().get(), settings.issuer(), settings.clientId(), login.nonce(), clock.instant());
        } catch (IdTokenClaims.Rejected e) {
            throw new SignInProblem(Reason.FAILED, e.getMessage());
        }
        if (!claims.subject().equals(subject)) {
            throw new SignInProblem(Reason.FAILED, "the ID token names another user than the access token");
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
