package io.latchkey.verifier.testing;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/** A real RSA signing key for tests, named by its RFC 7638 thumbprint like key-service names its keys. */
public final class TestKeys {
    private final KeyPair pair;
    private final String kid;

    private TestKeys(KeyPair pair) {
        this.pair = pair;
        this.kid = thumbprint(publicKey());
    }

    public static TestKeys rsa2048() {
        return rsa(2048);
    }

    public static TestKeys rsa(int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(bits);
            return new TestKeys(generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String kid() {
        return kid;
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) pair.getPublic();
    }

    public RSAPrivateKey privateKey() {
        return (RSAPrivateKey) pair.getPrivate();
    }

    /** The public JWK as key-service publishes it. */
    public JsonObject jwk() {
        return new JsonObject()
                .put("kty", "RSA")
                .put("n", b64(publicKey().getModulus()))
                .put("e", b64(publicKey().getPublicExponent()))
                .put("kid", kid)
                .put("alg", "RS256")
                .put("use", "sig");
    }

    private static String thumbprint(RSAPublicKey key) {
        String canonical = "{\"e\":\"" + b64(key.getPublicExponent()) + "\",\"kty\":\"RSA\",\"n\":\""
                + b64(key.getModulus()) + "\"}";
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] unsigned = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, unsigned, 0, unsigned.length);
            bytes = unsigned;
        }
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
