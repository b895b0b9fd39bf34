package io.latchkey.verifier.testing;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Builds access tokens as auth-server and key-service mint them (RFC 9068 header and claims, a real RS256 or ES256
 * signature by the key's algorithm), and ID and logout tokens the same way, with hooks to bend any part of them for attack tests.
 */
public final class TestTokens {
    private final TestKeys key;
    private final JsonObject header;
    private final JsonObject claims;

    private TestTokens(TestKeys key, String typ, JsonObject claims) {
        this.key = key;
        this.header = new JsonObject()
                .put("alg", key.algorithm().jwsName())
                .put("typ", typ)
                .put("kid", key.kid());
        this.claims = claims;
    }

    private TestTokens(TestKeys key, String issuer) {
        this(key, "at+jwt", new JsonObject());
        long now = Instant.now().getEpochSecond();
        claims.put("iss", issuer)
                .put("sub", "user-" + UUID.randomUUID())
                .put("aud", "resource-demo")
                .put("exp", now + 300)
                .put("iat", now)
                .put("jti", UUID.randomUUID().toString())
                .put("client_id", "demo-app")
                .put("scope", "notes:read notes:write")
                .put("sid", UUID.randomUUID().toString())
                .put("auth_time", now);
    }

    /** A valid user token for audience {@code resource-demo}, signed by {@code key}. */
    public static TestTokens valid(TestKeys key, String issuer) {
        return new TestTokens(key, issuer);
    }

    /**
     * An OpenID Connect ID token as auth-server issues one to {@code clientId} ({@code typ} {@code JWT}; {@code iss},
     * {@code sub}, {@code aud} and {@code azp} the client, {@code exp} in 5 minutes, {@code iat}, {@code auth_time},
     * {@code sid}, {@code jti}); add {@code nonce}, {@code at_hash} and profile claims with {@link #claim}.
     */
    public static TestTokens idToken(TestKeys key, String issuer, String clientId) {
        long now = Instant.now().getEpochSecond();
        return new TestTokens(
                key,
                "JWT",
                new JsonObject()
                        .put("iss", issuer)
                        .put("sub", "user-" + UUID.randomUUID())
                        .put("aud", clientId)
                        .put("azp", clientId)
                        .put("exp", now + 300)
                        .put("iat", now)
                        .put("auth_time", now)
                        .put("sid", UUID.randomUUID().toString())
                        .put("jti", UUID.randomUUID().toString()));
    }

    /**
     * A Back-Channel Logout 1.0 logout token as auth-server delivers one to {@code clientId} ({@code typ} {@code
     * logout+jwt}; {@code iss}, {@code aud}, {@code iat}, {@code exp} in 2 minutes, {@code jti}, {@code sid}, {@code
     * sub}, and the back-channel logout event).
     */
    public static TestTokens logoutToken(TestKeys key, String issuer, String clientId) {
        long now = Instant.now().getEpochSecond();
        return new TestTokens(
                key,
                "logout+jwt",
                new JsonObject()
                        .put("iss", issuer)
                        .put("aud", clientId)
                        .put("iat", now)
                        .put("exp", now + 120)
                        .put("jti", UUID.randomUUID().toString())
                        .put("sid", UUID.randomUUID().toString())
                        .put("sub", "user-" + UUID.randomUUID())
                        .put(
                                "events",
                                new JsonObject()
                                        .put("http://schemas.openid.net/event/backchannel-logout", new JsonObject())));
    }

    public TestTokens header(String name, Object value) {
        header.put(name, value);
        return this;
    }

    public TestTokens withoutHeader(String name) {
        header.remove(name);
        return this;
    }

    public TestTokens claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    public TestTokens withoutClaim(String name) {
        claims.remove(name);
        return this;
    }

    public TestTokens audience(String... audiences) {
        return claim(
                "aud", audiences.length == 1 ? audiences[0] : new JsonArray(java.util.List.of((Object[]) audiences)));
    }

    public TestTokens scope(String scope) {
        return claim("scope", scope);
    }

    public TestTokens expiresIn(long seconds) {
        return claim("exp", Instant.now().getEpochSecond() + seconds);
    }

    public TestTokens issuedSecondsAgo(long seconds) {
        return claim("iat", Instant.now().getEpochSecond() - seconds);
    }

    public String subject() {
        return claims.getString("sub");
    }

    public String jti() {
        return claims.getString("jti");
    }

    public String sid() {
        return claims.getString("sid");
    }

    public long exp() {
        return claims.getLong("exp");
    }

    /** Signed by the builder's key with its algorithm, whatever the header now says. */
    public String sign() {
        return signWith(key);
    }

    /** Signed by {@code other} (its algorithm), the header unchanged: a token claiming one key, signed by another. */
    public String signWith(TestKeys other) {
        String input = signingInput();
        return input + "." + b64(other.sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** ES256 only: the signature in DER instead of R‖S. */
    public String signDer() {
        String input = signingInput();
        return input + "." + b64(key.signDer(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** The header and claims with {@code signature} as the signature bytes. */
    public String withSignature(byte[] signature) {
        return signingInput() + "." + b64(signature);
    }

    /** Bound to a DPoP key: {@code cnf.jkt} set to its thumbprint (RFC 9449 §6.1). */
    public TestTokens boundTo(String jkt) {
        return claim("cnf", new JsonObject().put("jkt", jkt));
    }

    /** Signed with HMAC-SHA256 under {@code secret}, header {@code alg} set to HS256. */
    public String signHs256(byte[] secret) {
        header.put("alg", "HS256");
        String input = signingInput();
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return input + "." + b64(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsecured JWS: {@code alg} none and an empty signature. */
    public String unsigned() {
        header.put("alg", "none");
        return signingInput() + ".";
    }

    private String signingInput() {
        return b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
    }

    static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
