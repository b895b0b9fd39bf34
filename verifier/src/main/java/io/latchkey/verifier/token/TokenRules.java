package io.latchkey.verifier.token;

import io.latchkey.common.jose.Base64Url;
import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The header and claim rules for a Latchkey access token, separate from signature checking so each rule is a plain
 * method call in a test. Header: {@code alg} RS256 or ES256, {@code typ} {@code at+jwt}, a {@code kid}, no {@code crit},
 * and no header that names a key ({@code jku}, {@code jwk}, {@code x5u}, {@code x5c}): Latchkey never sets them, so a
 * token carrying one is forged. Claims: exact {@code iss}, own audience in {@code aud}, {@code exp}/{@code nbf}/{@code
 * iat} with bounded leeway, the claims RFC 9068 makes mandatory, and a {@code cnf} that is either absent or a DPoP key
 * binding ({@code jkt}, RFC 9449 §6.1): a confirmation method this verifier cannot check refuses the token rather than
 * let it pass as a bearer token.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1">RFC 8725 §3.1</a>
 */
public final class TokenRules {
    /** Clock skew tolerated on {@code exp}, {@code nbf} and {@code iat}. */
    public static final long LEEWAY_SECONDS = 60;

    /** RFC 9068 §2.1: the {@code typ} of a JWT access token. */
    public static final String ACCESS_TOKEN_TYPE = "at+jwt";

    private final String issuer;
    private final String audience;

    public TokenRules(String issuer, String audience) {
        this.issuer = issuer;
        this.audience = audience;
    }

    /** Checks the header ({@link JwsHeaderRules} with {@code typ} {@code at+jwt}) and returns the {@code kid}. */
    public String checkHeader(JsonObject header) {
        return JwsHeaderRules.check(header, ACCESS_TOKEN_TYPE);
    }

    /** Checks the claims at {@code nowSeconds} and returns them as an {@link AccessToken}. */
    public AccessToken checkClaims(String kid, JsonObject claims, long nowSeconds) {
        if (!issuer.equals(claims.getValue("iss"))) {
            throw new TokenRejected(Reason.WRONG_ISSUER, "iss does not match");
        }
        List<String> aud = audience(claims.getValue("aud"));
        if (!aud.contains(audience)) {
            throw new TokenRejected(Reason.WRONG_AUDIENCE, "aud does not name this resource server");
        }
        long exp = numericDate(claims, "exp");
        long iat = numericDate(claims, "iat");
        if (nowSeconds >= exp + LEEWAY_SECONDS) {
            throw new TokenRejected(Reason.EXPIRED, "exp has passed");
        }
        if (claims.containsKey("nbf") && nowSeconds + LEEWAY_SECONDS < numericDate(claims, "nbf")) {
            throw new TokenRejected(Reason.NOT_YET_VALID, "nbf is in the future");
        }
        if (iat > nowSeconds + LEEWAY_SECONDS) {
            throw new TokenRejected(Reason.ISSUED_IN_FUTURE, "iat is in the future");
        }
        checkConfirmation(claims.getValue("cnf"));
        String scope = optionalString(claims, "scope").orElse("");
        Set<String> scopes = new LinkedHashSet<>(Arrays.asList(scope.split(" ")));
        scopes.remove("");
        return new AccessToken(
                kid,
                issuer,
                requiredString(claims, "sub"),
                aud,
                requiredString(claims, "client_id"),
                requiredString(claims, "jti"),
                optionalString(claims, "sid"),
                scope,
                scopes,
                iat,
                exp,
                claims);
    }

    /** RFC 7800 §3.1 {@code cnf}: absent, or an object whose {@code jkt} is a SHA-256 JWK thumbprint. */
    private static void checkConfirmation(Object cnf) {
        if (cnf == null) {
            return;
        }
        if (!(cnf instanceof JsonObject confirmation)
                || !(confirmation.getValue("jkt") instanceof String jkt)
                || !isThumbprint(jkt)) {
            throw new TokenRejected(Reason.MALFORMED, "cnf must hold a jkt thumbprint");
        }
    }

    /** 43 base64url characters: 32 bytes of SHA-256. */
    private static boolean isThumbprint(String jkt) {
        if (jkt.length() != 43) {
            return false;
        }
        for (int i = 0; i < jkt.length(); i++) {
            if (!Base64Url.isAlphabet(jkt.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    private static List<String> audience(Object aud) {
        if (aud instanceof String single) {
            return List.of(single);
        }
        if (aud instanceof JsonArray array) {
            List<String> values = new ArrayList<>(array.size());
            for (Object value : array) {
                if (!(value instanceof String s)) {
                    throw new TokenRejected(Reason.MALFORMED, "aud holds a non-string");
                }
                values.add(s);
            }
            return values;
        }
        throw new TokenRejected(Reason.MISSING_CLAIM, "aud is required");
    }

    private static long numericDate(JsonObject claims, String name) {
        Object value = claims.getValue(name);
        if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.longValue();
        }
        throw new TokenRejected(Reason.MISSING_CLAIM, name + " must be a NumericDate");
    }

    private static String requiredString(JsonObject claims, String name) {
        return optionalString(claims, name)
                .orElseThrow(() -> new TokenRejected(Reason.MISSING_CLAIM, name + " is required"));
    }

    private static Optional<String> optionalString(JsonObject claims, String name) {
        Object value = claims.getValue(name);
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String s && !s.isEmpty()) {
            return Optional.of(s);
        }
        throw new TokenRejected(Reason.MALFORMED, name + " must be a non-empty string");
    }
}
