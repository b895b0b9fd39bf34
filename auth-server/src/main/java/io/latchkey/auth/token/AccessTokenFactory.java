package io.latchkey.auth.token;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;

/**
 * Builds RFC 9068 claim sets: {@code iss}, {@code sub}, {@code aud}, {@code exp}, {@code iat}, a 128-bit
 * {@code jti}, {@code client_id}, {@code scope}, and for user tokens {@code sid} and {@code auth_time}. {@code iat}
 * is never below the subject's {@code tokens_not_before}, so a {@code sub} revocation cannot catch a later token.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 */
public final class AccessTokenFactory {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String issuer;
    private final Duration ttl;
    private final Clock clock;

    public AccessTokenFactory(String issuer, Duration ttl, Clock clock) {
        this.issuer = issuer;
        this.ttl = ttl;
        this.clock = clock;
    }

    /** {@code audience} is a client's (see {@code Audiences}): a string, or an array that stays one in the token. */
    public JsonObject clientToken(String clientId, Object audience, String scope, long notBefore) {
        return base(clientId, clientId, audience, scope, notBefore);
    }

    public JsonObject userToken(
            String userId, String clientId, Object audience, String scope, long notBefore, String sid, long authTime) {
        return base(userId, clientId, audience, scope, notBefore)
                .put("sid", sid)
                .put("auth_time", authTime);
    }

    public long ttlSeconds() {
        return ttl.toSeconds();
    }

    private JsonObject base(String sub, String clientId, Object audience, String scope, long notBefore) {
        long now = clock.millis() / 1000;
        long iat = Math.max(now, notBefore);
        // exp counts from now, not iat, so a raised iat never stretches the lifetime past what key-service allows.
        long exp = now + ttl.toSeconds();
        return new JsonObject()
                .put("iss", issuer)
                .put("sub", sub)
                .put("aud", audience instanceof JsonArray array ? array.copy() : audience)
                .put("exp", exp)
                .put("iat", iat)
                .put("jti", jti())
                .put("client_id", clientId)
                .put("scope", scope);
    }

    private static String jti() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
