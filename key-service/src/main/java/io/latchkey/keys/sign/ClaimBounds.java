package io.latchkey.keys.sign;

import io.latchkey.keys.api.ApiError;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;

/**
 * The bounds on what {@code /internal/sign} signs, so a leaked internal secret cannot mint long-lived or foreign
 * tokens: {@code typ} {@code at+jwt} only, {@code iss} equal to this issuer, a {@code jti}, {@code iat} within
 * 60 s of now and {@code exp} after {@code iat} and no later than now + the access-token TTL.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.11">RFC 8725 §3.11</a>
 */
public final class ClaimBounds {
    static final long IAT_SKEW_SECONDS = 60;

    private final String issuer;
    private final Duration accessTokenTtl;

    public ClaimBounds(String issuer, Duration accessTokenTtl) {
        this.issuer = issuer;
        this.accessTokenTtl = accessTokenTtl;
    }

    /** Returns the claims to sign, or throws an {@link ApiError} {@code invalid_request} naming the problem. */
    public JsonObject check(JsonObject request, Instant now) {
        Object typ = request.getValue("typ");
        if (!"at+jwt".equals(typ)) {
            throw ApiError.invalidRequest("typ must be at+jwt");
        }
        if (!(request.getValue("claims") instanceof JsonObject claims)) {
            throw ApiError.invalidRequest("claims must be a JSON object");
        }
        if (!issuer.equals(claims.getValue("iss"))) {
            throw ApiError.invalidRequest("iss must be this issuer");
        }
        if (!(claims.getValue("jti") instanceof String jti) || jti.isEmpty()) {
            throw ApiError.invalidRequest("jti is required");
        }
        long iat = epochSeconds(claims, "iat");
        long exp = epochSeconds(claims, "exp");
        long nowSeconds = now.getEpochSecond();
        // Compared without subtracting: iat - now overflows for an iat near Long.MIN_VALUE.
        if (iat < nowSeconds - IAT_SKEW_SECONDS || iat > nowSeconds + IAT_SKEW_SECONDS) {
            throw ApiError.invalidRequest("iat must be within 60 seconds of now");
        }
        if (exp <= iat) {
            throw ApiError.invalidRequest("exp must be after iat");
        }
        if (exp > nowSeconds + accessTokenTtl.toSeconds()) {
            throw ApiError.invalidRequest("exp must be at most the access-token lifetime from now");
        }
        return claims;
    }

    private static long epochSeconds(JsonObject claims, String name) {
        Object value = claims.getValue(name);
        // NumericDate (RFC 7519 §2) allows fractions; our issuer writes whole seconds, so only those pass.
        if (value instanceof Integer || value instanceof Long) {
            return ((Number) value).longValue();
        }
        throw ApiError.invalidRequest(name + " must be a whole number of seconds since the epoch");
    }
}
