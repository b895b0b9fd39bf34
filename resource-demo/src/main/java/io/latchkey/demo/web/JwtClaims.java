package io.latchkey.demo.web;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Optional;

/**
 * The claim checks an ID token and a logout token share (Back-Channel Logout 1.0 §2.6 validates {@code iss}, {@code
 * aud}, {@code iat} and {@code exp} "in the same way" as OpenID Connect Core §3.1.3.7): the exact issuer, this client
 * as the one audience, and times within {@link #LEEWAY} of clock skew. Each failure is a {@link Rejected} naming the
 * first check that failed, for the log; nobody outside sees it.
 */
final class JwtClaims {
    /** Clock skew tolerated on {@code exp} and {@code iat}, as the verifier tolerates on access tokens. */
    static final Duration LEEWAY = Duration.ofSeconds(60);

    private JwtClaims() {}

    static void issuer(JsonObject claims, String issuer) {
        if (!issuer.equals(claims.getValue("iss"))) {
            throw new Rejected("iss is not the issuer");
        }
    }

    /**
     * {@code aud} is this client, alone: the token must not be rejected for naming this client, and must be for naming
     * an audience this client does not trust (Core §3.1.3.7 (3)), which is every other.
     */
    static void audienceIsOnly(JsonObject claims, String clientId) {
        Object aud = claims.getValue("aud");
        boolean only = aud instanceof String s
                ? s.equals(clientId)
                : aud instanceof JsonArray a && a.size() == 1 && clientId.equals(a.getValue(0));
        if (!only) {
            throw new Rejected("aud is not this client alone");
        }
    }

    /** {@code exp} not passed, {@code iat} not in the future, both beyond the leeway; returns {@code exp}. */
    static long times(JsonObject claims, long nowSeconds) {
        long exp = numericDate(claims, "exp");
        long iat = numericDate(claims, "iat");
        if (nowSeconds >= exp + LEEWAY.toSeconds()) {
            throw new Rejected("expired");
        }
        if (iat > nowSeconds + LEEWAY.toSeconds()) {
            throw new Rejected("iat is in the future");
        }
        return exp;
    }

    static long numericDate(JsonObject claims, String name) {
        // Bounded so that adding the leeway cannot overflow (a token may say anything).
        if (claims.getValue(name) instanceof Number n
                && Double.isFinite(n.doubleValue())
                && Math.abs(n.doubleValue()) < 1e15) {
            return n.longValue();
        }
        throw new Rejected(name + " is not a NumericDate");
    }

    /** A claim that, when present, is a non-empty string. */
    static Optional<String> text(JsonObject claims, String name) {
        Object value = claims.getValue(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s && !s.isEmpty()) {
            return Optional.of(s);
        }
        throw new Rejected(name + " is not a non-empty string");
    }

    /** The token does not belong to this app (or to now); the message says which check failed. */
    static final class Rejected extends RuntimeException {
        Rejected(String message) {
            super(message, null, false, false);
        }
    }
}
