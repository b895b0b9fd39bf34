package io.latchkey.demo.web;

import io.latchkey.verifier.TokenRejected;
import io.vertx.core.Future;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Back-Channel Logout 1.0 as a relying party: auth-server posts a logout token whenever one of its sessions ends, and
 * every local session signed in through that session ends too. The token's signature and {@code typ} ({@code
 * logout+jwt}) are checked against the issuer's keys, its claims per §2.6 ({@link LogoutTokenClaims}), and its {@code
 * jti} must not have been acted on before. Then the sessions of its {@code sid} end (of that user only, when it also
 * names a {@code sub}), or, with no {@code sid}, every session of its {@code sub}.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRequest">Back-Channel Logout 1.0 §2.5–2.8</a>
 */
public final class BackChannelLogout {
    private static final Logger LOG = LoggerFactory.getLogger(BackChannelLogout.class);

    private final WebAppSettings settings;
    private final IssuerSignatures signatures;
    private final SessionStore sessions;
    private final SeenTokenIds seen;
    private final Clock clock;

    public BackChannelLogout(
            WebAppSettings settings,
            IssuerSignatures signatures,
            SessionStore sessions,
            SeenTokenIds seen,
            Clock clock) {
        this.settings = settings;
        this.signatures = signatures;
        this.sessions = sessions;
        this.seen = seen;
        this.clock = clock;
    }

    /**
     * Acts on a logout token; the future holds how many local sessions ended (none is a success too: they may have
     * ended already). Fails with {@link Invalid} for a token that must not be acted on, and with the verifier's
     * {@link io.latchkey.verifier.VerifierUnavailable} when the keys cannot be vouched for right now.
     */
    public Future<Integer> accept(String logoutToken) {
        if (logoutToken == null || logoutToken.isEmpty()) {
            return Future.failedFuture(new Invalid("no logout_token"));
        }
        return signatures
                .verify(logoutToken, IssuerSignatures.LOGOUT_TOKEN)
                .recover(e -> Future.failedFuture(e instanceof TokenRejected r ? new Invalid(r.getMessage()) : e))
                .compose(signed -> {
                    LogoutTokenClaims claims;
                    try {
                        claims = LogoutTokenClaims.check(
                                signed.claims(), settings.issuer(), settings.clientId(), clock.instant());
                    } catch (LogoutTokenClaims.Rejected e) {
                        return Future.failedFuture(new Invalid(e.getMessage()));
                    }
                    return switch (seen.record(claims.jwtId(), claims.expiresAt())) {
                        case REPLAYED -> Future.failedFuture(new Invalid("jti seen before"));
                        case FULL -> Future.failedFuture(new Invalid("too many logout tokens to remember right now"));
                        case FIRST -> Future.succeededFuture(end(claims));
                    };
                });
    }

    private int end(LogoutTokenClaims claims) {
        int ended = claims.sessionId().isPresent()
                ? sessions.endAuthServerSession(claims.sessionId().get(), claims.subject())
                : sessions.endSubject(claims.subject().orElseThrow());
        LOG.info("Back-channel logout: {} session(s) ended", ended);
        return ended;
    }

    /** A logout token this app must not act on; the message is for the log only. */
    public static final class Invalid extends RuntimeException {
        public Invalid(String reason) {
            super(reason, null, false, false);
        }
    }
}
