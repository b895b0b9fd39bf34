package io.latchkey.keys.sign;

import io.latchkey.keys.api.ApiError;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The bounds on what {@code /internal/sign} signs, one set per {@link TokenType}, so a leaked internal secret
 * cannot mint long-lived or foreign tokens, nor make the service sign arbitrary content. Every type needs
 * {@code iss} equal to this issuer and whole-second {@code iat} within 60 s of now and {@code exp} after it.
 * <ul>
 *   <li>{@code at+jwt}: a {@code jti}, {@code exp} no later than now + the access-token TTL, and a {@code cnf}, if
 *       present, of exactly one {@code jkt} member (a DPoP key's thumbprint).
 *   <li>{@code JWT} (ID token): only the claims Latchkey puts in one: a {@code sub} of at most 255 characters, one
 *       {@code aud} string (the client id), {@code azp} equal to it if present, {@code exp} at most 300 s after
 *       {@code iat}, and if present {@code auth_time} not after {@code iat}, a {@code nonce} of at most 512
 *       characters, a {@code sid}, an {@code at_hash} (half a SHA-256 hash), a {@code jti} and the profile and
 *       email claims.
 *   <li>{@code logout+jwt}: exactly {@code iss}, one {@code aud} string, {@code iat}, {@code exp} at most 120 s
 *       after {@code iat}, a {@code jti} of at least 16 characters, {@code sid} or {@code sub} or both, and the
 *       back-channel logout event as the only {@code events} member; never a {@code nonce}.
 * </ul>
 * Errors name the rule that failed, never the value sent.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.11">RFC 8725 §3.11</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDToken">OpenID Connect Core §2</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeIDToken">OpenID Connect Core
 *     §3.1.3.6 ({@code at_hash})</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OpenID Connect Core
 *     §3.1.3.7</a>
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken">Back-Channel Logout
 *     1.0 §2.4</a>
 */
public final class ClaimBounds {
    static final long IAT_SKEW_SECONDS = 60;
    /** An ID token lives 5 minutes at most. */
    static final long ID_TOKEN_MAX_LIFETIME_SECONDS = 300;
    /** A logout token lives 2 minutes at most. */
    static final long LOGOUT_TOKEN_MAX_LIFETIME_SECONDS = 120;
    /** OpenID Connect Core §2: {@code sub} must not exceed 255 ASCII characters. */
    static final int MAX_SUB_LENGTH = 255;

    static final int MAX_NONCE_LENGTH = 512;
    static final int MIN_LOGOUT_JTI_LENGTH = 16;
    static final String BACKCHANNEL_LOGOUT_EVENT = "http://schemas.openid.net/event/backchannel-logout";

    private static final List<String> ID_TOKEN_CLAIMS = List.of(
            "iss",
            "sub",
            "aud",
            "azp",
            "iat",
            "exp",
            "auth_time",
            "nonce",
            "sid",
            "at_hash",
            "jti",
            "name",
            "preferred_username",
            "email",
            "email_verified");
    private static final List<String> LOGOUT_TOKEN_CLAIMS =
            List.of("iss", "aud", "iat", "exp", "jti", "sid", "sub", "events");
    /**
     * {@code at_hash} is the base64url left half of the access token's hash under the signing algorithm's hash:
     * SHA-256 for RS256 (and ES256), so 16 bytes, 22 characters.
     */
    private static final Pattern AT_HASH = Pattern.compile("[A-Za-z0-9_-]{22}");
    /** A DPoP key's RFC 7638 SHA-256 thumbprint, base64url: 43 characters (RFC 9449 §6.1). */
    private static final Pattern JKT = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final String issuer;
    private final Duration accessTokenTtl;

    public ClaimBounds(String issuer, Duration accessTokenTtl) {
        this.issuer = issuer;
        this.accessTokenTtl = accessTokenTtl;
    }

    /**
     * Checks {@code {"typ","claims"}}: returns the claims to sign, or throws an {@link ApiError}
     * {@code invalid_request} naming the problem.
     */
    public JsonObject check(JsonObject request, Instant now) {
        return check(TokenType.of(request.getValue("typ")), request.getValue("claims"), now);
    }

    /** Returns {@code claims} if a token of {@code type} may carry them, or throws an {@link ApiError}. */
    public JsonObject check(TokenType type, Object claims, Instant now) {
        if (!(claims instanceof JsonObject checked)) {
            throw ApiError.invalidRequest("claims must be a JSON object");
        }
        switch (type) {
            case ACCESS_TOKEN -> checkAccessToken(checked, now.getEpochSecond());
            case ID_TOKEN -> checkIdToken(checked, now.getEpochSecond());
            case LOGOUT_TOKEN -> checkLogoutToken(checked, now.getEpochSecond());
        }
        return checked;
    }

    private void checkAccessToken(JsonObject claims, long nowSeconds) {
        checkIssuer(claims);
        if (!(claims.getValue("jti") instanceof String jti) || jti.isEmpty()) {
            throw ApiError.invalidRequest("jti is required");
        }
        long iat = epochSeconds(claims, "iat");
        long exp = epochSeconds(claims, "exp");
        checkIatAndExp(iat, exp, nowSeconds);
        if (exp > nowSeconds + accessTokenTtl.toSeconds()) {
            throw ApiError.invalidRequest("exp must be at most the access-token lifetime from now");
        }
        if (claims.containsKey("cnf")) {
            checkConfirmation(claims.getValue("cnf"));
        }
    }

    /**
     * A DPoP-bound access token's {@code cnf} (RFC 9449 §6.1): an object whose only member is {@code jkt}, a
     * SHA-256 JWK thumbprint. Nothing else may be confirmed through this service.
     */
    private static void checkConfirmation(Object cnf) {
        if (!(cnf instanceof JsonObject confirmation)
                || confirmation.size() != 1
                || !(confirmation.getValue("jkt") instanceof String jkt)
                || !JKT.matcher(jkt).matches()) {
            throw ApiError.invalidRequest("cnf must be an object whose only member is jkt, a SHA-256 JWK thumbprint");
        }
    }

    private void checkIdToken(JsonObject claims, long nowSeconds) {
        onlyClaims(claims, ID_TOKEN_CLAIMS, "an ID token may carry only ");
        checkIssuer(claims);
        checkSub(claims);
        String aud = audience(claims);
        if (claims.containsKey("azp") && !aud.equals(claims.getValue("azp"))) {
            throw ApiError.invalidRequest("azp must equal aud");
        }
        long iat = checkTimes(claims, nowSeconds, ID_TOKEN_MAX_LIFETIME_SECONDS);
        if (claims.containsKey("auth_time") && epochSeconds(claims, "auth_time") > iat) {
            throw ApiError.invalidRequest("auth_time must not be after iat");
        }
        if (claims.containsKey("nonce")
                && !(claims.getValue("nonce") instanceof String nonce && nonce.length() <= MAX_NONCE_LENGTH)) {
            throw ApiError.invalidRequest("nonce must be a string of at most " + MAX_NONCE_LENGTH + " characters");
        }
        if (claims.containsKey("sid")) {
            nonEmptyString(claims, "sid");
        }
        if (claims.containsKey("at_hash")
                && !(claims.getValue("at_hash") instanceof String atHash
                        && AT_HASH.matcher(atHash).matches())) {
            throw ApiError.invalidRequest("at_hash must be 22 base64url characters (half a SHA-256 hash)");
        }
        if (claims.containsKey("jti")) {
            nonEmptyString(claims, "jti");
        }
        for (String name : List.of("name", "preferred_username", "email")) {
            if (claims.containsKey(name) && !(claims.getValue(name) instanceof String)) {
                throw ApiError.invalidRequest(name + " must be a string");
            }
        }
        if (claims.containsKey("email_verified") && !(claims.getValue("email_verified") instanceof Boolean)) {
            throw ApiError.invalidRequest("email_verified must be true or false");
        }
    }

    private void checkLogoutToken(JsonObject claims, long nowSeconds) {
        // Named apart from the other unknown claims: Back-Channel Logout §2.4 prohibits it outright.
        if (claims.containsKey("nonce")) {
            throw ApiError.invalidRequest("nonce must not be in a logout token");
        }
        onlyClaims(claims, LOGOUT_TOKEN_CLAIMS, "a logout token may carry only ");
        checkIssuer(claims);
        audience(claims);
        checkTimes(claims, nowSeconds, LOGOUT_TOKEN_MAX_LIFETIME_SECONDS);
        if (!(claims.getValue("jti") instanceof String jti) || jti.length() < MIN_LOGOUT_JTI_LENGTH) {
            throw ApiError.invalidRequest("jti must be a string of at least " + MIN_LOGOUT_JTI_LENGTH + " characters");
        }
        if (!claims.containsKey("sid") && !claims.containsKey("sub")) {
            throw ApiError.invalidRequest("a logout token needs sid, sub or both");
        }
        if (claims.containsKey("sub")) {
            checkSub(claims);
        }
        if (claims.containsKey("sid")) {
            nonEmptyString(claims, "sid");
        }
        if (!(claims.getValue("events") instanceof JsonObject events
                && events.size() == 1
                && events.getValue(BACKCHANNEL_LOGOUT_EVENT) instanceof JsonObject event
                && event.isEmpty())) {
            throw ApiError.invalidRequest("events must be exactly {\"" + BACKCHANNEL_LOGOUT_EVENT + "\":{}}");
        }
    }

    /** A claim outside {@code allowed} is refused without being named: only our own vocabulary reaches the error. */
    private static void onlyClaims(JsonObject claims, List<String> allowed, String rule) {
        for (String name : claims.fieldNames()) {
            if (!allowed.contains(name)) {
                throw ApiError.invalidRequest(rule + String.join(", ", allowed));
            }
        }
    }

    private void checkIssuer(JsonObject claims) {
        if (!issuer.equals(claims.getValue("iss"))) {
            throw ApiError.invalidRequest("iss must be this issuer");
        }
    }

    private static void checkSub(JsonObject claims) {
        if (!(claims.getValue("sub") instanceof String sub) || sub.isEmpty() || sub.length() > MAX_SUB_LENGTH) {
            throw ApiError.invalidRequest(
                    "sub must be a non-empty string of at most " + MAX_SUB_LENGTH + " characters");
        }
    }

    /** One client id: Latchkey never issues an ID or logout token to several audiences. */
    private static String audience(JsonObject claims) {
        if (!(claims.getValue("aud") instanceof String aud) || aud.isEmpty()) {
            throw ApiError.invalidRequest("aud must be one non-empty string, the client id");
        }
        return aud;
    }

    private static void nonEmptyString(JsonObject claims, String name) {
        if (!(claims.getValue(name) instanceof String value) || value.isEmpty()) {
            throw ApiError.invalidRequest(name + " must be a non-empty string");
        }
    }

    /** Checks {@code iat} and {@code exp} ≤ {@code iat} + {@code maxSeconds}; returns {@code iat}. */
    private static long checkTimes(JsonObject claims, long nowSeconds, long maxSeconds) {
        long iat = epochSeconds(claims, "iat");
        long exp = epochSeconds(claims, "exp");
        checkIatAndExp(iat, exp, nowSeconds);
        if (exp - iat > maxSeconds) {
            throw ApiError.invalidRequest("exp must be at most " + maxSeconds + " seconds after iat");
        }
        return iat;
    }

    private static void checkIatAndExp(long iat, long exp, long nowSeconds) {
        // Compared without subtracting: iat - now overflows for an iat near Long.MIN_VALUE. Once iat is near now,
        // exp - iat cannot overflow either.
        if (iat < nowSeconds - IAT_SKEW_SECONDS || iat > nowSeconds + IAT_SKEW_SECONDS) {
            throw ApiError.invalidRequest("iat must be within 60 seconds of now");
        }
        if (exp <= iat) {
            throw ApiError.invalidRequest("exp must be after iat");
        }
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
