package io.latchkey.demo.web;

import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * The tokens a signed-in session holds, server-side only: the access token, when it expires (from {@code
 * expires_in}), the refresh token, the granted scope and, after a sign-in with {@code openid}, the ID token.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.1">RFC 6749 §5.1</a>
 */
public record Tokens(
        String accessToken, Instant expiresAt, Optional<String> refreshToken, String scope, Optional<String> idToken) {
    /** Refresh this long before the access token expires, so a request in flight never carries an expired one. */
    public static final Duration REFRESH_AHEAD = Duration.ofSeconds(30);

    /**
     * Reads a successful token response. A refresh response without {@code refresh_token} keeps {@code
     * previousRefreshToken} (RFC 6749 §6 lets a server keep it); Latchkey rotates it on every use, so the new one is
     * what counts from now on.
     *
     * @throws InvalidTokenResponse when a member is missing or of the wrong kind, or the type is not {@code Bearer}
     */
    public static Tokens fromResponse(JsonObject response, Instant now, Optional<String> previousRefreshToken) {
        String accessToken =
                string(response, "access_token").orElseThrow(() -> new InvalidTokenResponse("no access_token"));
        String type = string(response, "token_type").orElseThrow(() -> new InvalidTokenResponse("no token_type"));
        if (!type.equalsIgnoreCase("Bearer")) {
            throw new InvalidTokenResponse("token_type " + type + " is not Bearer");
        }
        Object expiresIn = response.getValue("expires_in");
        if (!(expiresIn instanceof Number seconds) || seconds.longValue() <= 0) {
            throw new InvalidTokenResponse("expires_in is not a positive number");
        }
        return new Tokens(
                accessToken,
                now.plusSeconds(seconds.longValue()),
                string(response, "refresh_token").or(() -> previousRefreshToken),
                string(response, "scope").orElse(""),
                string(response, "id_token"));
    }

    /**
     * These tokens with {@code idToken} as the ID token. A refresh keeps the sign-in's ID token, which was verified
     * and is the {@code id_token_hint} of the sign-out; Latchkey sends none with a refresh, and one that came would
     * not have been verified.
     */
    public Tokens withIdToken(Optional<String> idToken) {
        return new Tokens(accessToken, expiresAt, refreshToken, scope, idToken);
    }

    /** Whether the access token expires within {@link #REFRESH_AHEAD} of {@code now} (or already has). */
    public boolean needsRefresh(Instant now) {
        return !now.plus(REFRESH_AHEAD).isBefore(expiresAt);
    }

    private static Optional<String> string(JsonObject json, String name) {
        Object value = json.getValue(name);
        return value instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    @Override
    public String toString() {
        // Tokens never reach a log.
        return "Tokens[expiresAt=" + expiresAt + ", scope=" + scope + "]";
    }

    /** The token endpoint answered 200 with something that is not a usable token response. */
    public static final class InvalidTokenResponse extends RuntimeException {
        public InvalidTokenResponse(String message) {
            super(message, null, false, false);
        }
    }
}
