package io.latchkey.common.testing;

import io.latchkey.common.jose.Base64Url;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.UUID;

/**
 * Builds DPoP proofs (RFC 9449 §4.2) as a client makes them: {@code typ} {@code dpop+jwt}, the key's {@code alg} and
 * public {@code jwk}, a fresh {@code jti}, {@code iat} now, and {@code ath} when given a token; every part can be
 * bent for attack tests.
 *
 * <pre>{@code
 * String proof = TestDpopProof.by(key).htm("GET").htu("https://rs.example/api/me").accessToken(token).sign();
 * }</pre>
 */
public final class TestDpopProof {
    private final TestJoseKey key;
    private final JsonObject header;
    private final JsonObject claims;

    private TestDpopProof(TestJoseKey key) {
        this.key = key;
        this.header = new JsonObject()
                .put("typ", "dpop+jwt")
                .put("alg", key.algorithm().jwsName())
                .put("jwk", key.jwk());
        this.claims = new JsonObject()
                .put("jti", UUID.randomUUID().toString())
                .put("iat", Instant.now().getEpochSecond());
    }

    public static TestDpopProof by(TestJoseKey key) {
        return new TestDpopProof(key);
    }

    public TestDpopProof htm(String method) {
        return claim("htm", method);
    }

    public TestDpopProof htu(String uri) {
        return claim("htu", uri);
    }

    /** Sets {@code ath} to base64url(SHA-256(token)). */
    public TestDpopProof accessToken(String token) {
        return claim("ath", ath(token));
    }

    public TestDpopProof jti(String jti) {
        return claim("jti", jti);
    }

    public TestDpopProof iat(long epochSeconds) {
        return claim("iat", epochSeconds);
    }

    public TestDpopProof header(String name, Object value) {
        header.put(name, value);
        return this;
    }

    public TestDpopProof withoutHeader(String name) {
        header.remove(name);
        return this;
    }

    public TestDpopProof claim(String name, Object value) {
        claims.put(name, value);
        return this;
    }

    public TestDpopProof withoutClaim(String name) {
        claims.remove(name);
        return this;
    }

    /** Signed by the builder's key, whatever the header now says. */
    public String sign() {
        return key.compact(header, claims);
    }

    /** Signed by {@code other} while the header keeps whatever {@code jwk} it has. */
    public String signBy(TestJoseKey other) {
        return other.compact(header, claims);
    }

    public static String ath(String token) {
        try {
            return Base64Url.encode(
                    MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
