package io.latchkey.keys.test;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.UUID;

/**
 * Sign requests for tests: valid by default, each bound overridable. {@link #valid()} is an access token,
 * {@link #idToken()} an ID token with every claim it may carry, {@link #logoutToken()} a logout token.
 */
public final class TestTokens {
    /** The one event a logout token carries. */
    public static final String BACKCHANNEL_LOGOUT = "http://schemas.openid.net/event/backchannel-logout";

    private final JsonObject claims;
    private String typ;

    private TestTokens(String typ, JsonObject claims) {
        this.typ = typ;
        this.claims = claims;
    }

    /** An {@code at+jwt} request. */
    public static TestTokens valid() {
        long now = Instant.now().getEpochSecond();
        return new TestTokens(
                "at+jwt",
                new JsonObject()
                        .put("iss", TestKeyService.ISSUER)
                        .put("sub", "user-1")
                        .put("aud", "resource-demo")
                        .put("client_id", "demo-app")
                        .put("scope", "notes:read")
                        .put("jti", UUID.randomUUID().toString())
                        .put("iat", now)
                        .put("exp", now + 300));
    }

    /** A {@code JWT} (ID token) request with every claim an ID token may carry, living the full 5 minutes. */
    public static TestTokens idToken() {
        long now = Instant.now().getEpochSecond();
        return new TestTokens(
                "JWT",
                new JsonObject()
                        .put("iss", TestKeyService.ISSUER)
                        .put("sub", "3f1c2a9e-7b4d-4e8a-9c61-2d5f0b7a8e13")
                        .put("aud", "demo-app")
                        .put("azp", "demo-app")
                        .put("iat", now)
                        .put("exp", now + 300)
                        .put("auth_time", now - 30)
                        .put("nonce", "n-0S6_WzA2Mj")
                        .put("sid", "08a5019c-17e1-4977-8f42-65a12843ea02")
                        .put("at_hash", "77QmUPtjPfzWtF2AnpK9RQ")
                        .put("jti", UUID.randomUUID().toString())
                        .put("name", "Ada Lovelace")
                        .put("preferred_username", "ada")
                        .put("email", "ada@example.com")
                        .put("email_verified", true));
    }

    /** A {@code logout+jwt} request with {@code sid} and {@code sub}, living the full 2 minutes. */
    public static TestTokens logoutToken() {
        long now = Instant.now().getEpochSecond();
        return new TestTokens(
                "logout+jwt",
                new JsonObject()
                        .put("iss", TestKeyService.ISSUER)
                        .put("aud", "demo-app")
                        .put("iat", now)
                        .put("exp", now + 120)
                        .put("jti", UUID.randomUUID().toString())
                        .put("sid", "08a5019c-17e1-4977-8f42-65a12843ea02")
                        .put("sub", "3f1c2a9e-7b4d-4e8a-9c61-2d5f0b7a8e13")
                        .put("events", new JsonObject().put(BACKCHANNEL_LOGOUT, new JsonObject())));
    }

    /** The claims alone, as one entry of a batch. */
    public JsonObject claims() {
        return claims.copy();
    }

    /** Sets {@code exp} to {@code iat} + {@code lifetime}. */
    public TestTokens lifetime(java.time.Duration lifetime) {
        claims.put("exp", claims.getLong("iat") + lifetime.toSeconds());
        return this;
    }

    /** A time claim's value, in epoch seconds. */
    public long time(String name) {
        return claims.getLong(name);
    }

    /** Moves {@code iat}, {@code exp} and, where present, {@code auth_time} by {@code seconds}. */
    public TestTokens shiftTimes(long seconds) {
        for (String name : new String[] {"iat", "exp", "auth_time"}) {
            if (claims.containsKey(name)) {
                claims.put(name, claims.getLong(name) + seconds);
            }
        }
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
