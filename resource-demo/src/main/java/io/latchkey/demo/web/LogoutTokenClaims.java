package io.latchkey.demo.web;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;

/**
 * The claims of a logout token whose signature (and {@code typ} {@code logout+jwt}) the verifier checked, validated
 * as Back-Channel Logout 1.0 §2.6 asks: {@code iss}, {@code aud}, {@code iat} and {@code exp} as for an ID token;
 * {@code events} holding the back-channel logout event; a {@code sid}, a {@code sub} or both; no {@code nonce} (so an
 * ID token can never pass for one); and a {@code jti}, which the caller checks for replay.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation">Back-Channel Logout 1.0 §2.6</a>
 */
public record LogoutTokenClaims(String jwtId, Optional<String> sessionId, Optional<String> subject, long expiresAt) {
    public static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";

    /**
     * Checks the claims for {@code clientId} of {@code issuer}.
     *
     * @throws Rejected naming the first check that failed
     */
    public static LogoutTokenClaims check(JsonObject claims, String issuer, String clientId, Instant now) {
        try {
            JwtClaims.issuer(claims, issuer);
            JwtClaims.audienceIsOnly(claims, clientId);
            long exp = JwtClaims.times(claims, now.getEpochSecond());
            if (!(claims.getValue("events") instanceof JsonObject events)
                    || !(events.getValue(EVENT) instanceof JsonObject)) {
                throw new JwtClaims.Rejected("events has no back-channel logout event");
            }
            Optional<String> sid = JwtClaims.text(claims, "sid");
            Optional<String> sub = JwtClaims.text(claims, "sub");
            if (sid.isEmpty() && sub.isEmpty()) {
                throw new JwtClaims.Rejected("neither sid nor sub");
            }
            if (claims.containsKey("nonce")) {
                throw new JwtClaims.Rejected("a nonce is forbidden");
            }
            String jti = JwtClaims.text(claims, "jti").orElseThrow(() -> new JwtClaims.Rejected("no jti"));
            return new LogoutTokenClaims(jti, sid, sub, exp);
        } catch (JwtClaims.Rejected e) {
            throw new Rejected(e.getMessage());
        }
    }

    /** The logout token is not one this app may act on. */
    public static final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super("logout token rejected: " + message, null, false, false);
        }
    }
}
