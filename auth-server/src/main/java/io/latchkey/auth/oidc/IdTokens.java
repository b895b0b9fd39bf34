package io.latchkey.auth.oidc;

import io.latchkey.auth.oauth.OpaqueTokens;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * Builds the claims of an OpenID Connect ID token from the access token issued beside it, so the two agree on
 * {@code sub}, {@code sid}, {@code auth_time} and {@code iat}: {@code aud} and {@code azp} are the client, {@code
 * exp} five minutes after {@code iat}, {@code nonce} the authorization request's, {@code at_hash} the left half of
 * the access token's SHA-256, and the profile and email claims the granted scopes allow.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDToken">OpenID Connect Core §2</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeIDToken">OpenID Connect Core §3.1.3.6</a>
 */
public final class IdTokens {
    public static final long LIFETIME_SECONDS = 300;

    private IdTokens() {}

    /** Whether a granted scope asks for an ID token. */
    public static boolean requested(String scope) {
        return Arrays.asList(scope.split(" ")).contains("openid");
    }

    public static JsonObject claims(
            JsonObject accessClaims, String accessToken, Optional<String> nonce, JsonObject profileClaims) {
        long iat = accessClaims.getLong("iat");
        String clientId = accessClaims.getString("client_id");
        JsonObject claims = new JsonObject()
                .put("iss", accessClaims.getString("iss"))
                .put("sub", accessClaims.getString("sub"))
                .put("aud", clientId)
                .put("azp", clientId)
                .put("exp", iat + LIFETIME_SECONDS)
                .put("iat", iat)
                .put("auth_time", accessClaims.getLong("auth_time"))
                .put("sid", accessClaims.getString("sid"))
                .put("jti", OpaqueTokens.random(128))
                .put("at_hash", atHash(accessToken));
        nonce.ifPresent(n -> claims.put("nonce", n));
        profileClaims.forEach(claim -> claims.put(claim.getKey(), claim.getValue()));
        return claims;
    }

    /** base64url of the left-most 128 bits of SHA-256 over the ASCII access token (RS256 and ES256 alike). */
    static String atHash(String accessToken) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is always available", e);
        }
    }
}
