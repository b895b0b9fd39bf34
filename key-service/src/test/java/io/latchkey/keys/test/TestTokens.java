package io.latchkey.keys.test;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/** Sign requests for tests: valid by default, each bound overridable. */
public final class TestTokens {
    private final JsonObject claims;
    private String typ = "at+jwt";

    private TestTokens() {
        long now = Instant.now().getEpochSecond();
        claims = new JsonObject()
                .put("iss", TestKeyService.ISSUER)
                .put("sub", "user-1")
                .put("aud", "resource-demo")
                .put("client_id", "demo-app")
                .put("scope", "notes:read")
                .put("jti", UUID.randomUUID().toString())
                .put("iat", now)
                .put("exp", now + 300);
    }

    public static TestTokens valid() {
        return new TestTokens();
    }

    /** Sets {@code exp} to {@code iat} + {@code lifetime}. */
    public TestTokens lifetime(java.time.Duration lifetime) {
        claims.put("exp", claims.getLong("iat") + lifetime.toSeconds());
        return this;
    }

    public TestTokens claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    public TestTokens without(String name) {
        claims.remove(name);
        return this;
    }

    public TestTokens typ(String value) {
        typ = value;
        return this;
    }

    /** The claims of a compact JWS, decoded without verification (the tests verify with Nimbus elsewhere). */
    public static JsonObject claimsOf(String token) {
        String payload = token.split("\\.")[1];
        return new JsonObject(
                new String(java.util.Base64.getUrlDecoder().decode(payload), java.nio.charset.StandardCharsets.UTF_8));
    }

    public JsonObject request() {
        return new JsonObject().put("typ", typ).put("claims", claims.copy());
    }
}
