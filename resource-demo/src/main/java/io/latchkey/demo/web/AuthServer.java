package io.latchkey.demo.web;

import io.vertx.core.Future;
import java.time.Instant;

/**
 * What the web app asks of the authorization server: where to send a browser to sign in, and the back-channel token
 * requests (authorization code with PKCE, refresh with rotation). Failures are {@link Refused} (an RFC 6749 §5.2
 * error answer) or {@link Unavailable} (anything else: unreachable, timed out, a 5xx).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 */
public interface AuthServer {
    /** The authorization request URL on the issuer for this sign-in (state, nonce, S256 challenge). */
    String authorizationUrl(PendingLogin login);

    /** Redeems {@code code} with the sign-in's PKCE verifier. */
    Future<Tokens> redeem(String code, PendingLogin login, Instant now);

    /** Trades the refresh token for new tokens; Latchkey rotates the refresh token, so keep the new one. */
    Future<Tokens> refresh(Tokens current, Instant now);

    /** The authorization server answered with an OAuth error such as {@code invalid_grant}. */
    final class Refused extends RuntimeException {
        private final String error;

        public Refused(String error, String description) {
            super(description == null ? error : error + ": " + description, null, false, false);
            this.error = error;
        }

        /** The RFC 6749 §5.2 {@code error} code. */
        public String error() {
            return error;
        }
    }

    /** The authorization server could not be reached or did not answer usefully. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
