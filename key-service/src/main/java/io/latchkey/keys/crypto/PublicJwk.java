package io.latchkey.keys.crypto;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * The public half of an RSA key as a JWK ({@code kty}, {@code n}, {@code e}) and its RFC 7638 thumbprint, which
 * is the key's {@code kid}. Only public parameters ever enter this type.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7638#section-3.2">RFC 7638 §3.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-6.3.1">RFC 7518 §6.3.1</a>
 */
public record PublicJwk(String n, String e) {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    public static PublicJwk of(RSAPublicKey key) {
        return new PublicJwk(unsigned(key.getModulus()), unsigned(key.getPublicExponent()));
    }

    public static PublicJwk fromJson(JsonObject json) {
        return new PublicJwk(json.getString("n"), json.getString("e"));
    }

    /** The RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no whitespace. */
    public String thumbprint() {
        String canonical = "{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}";
        try {
            return B64.encodeToString(
                    MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }

    /** What is stored in {@code signing_keys.public_jwk}. */
    public JsonObject toStoredJson() {
        return new JsonObject().put("kty", "RSA").put("n", n).put("e", e);
    }

    /** The JWKS entry for this key. */
    public JsonObject toJwksEntry(String kid) {
        return new JsonObject()
                .put("kty", "RSA")
                .put("n", n)
                .put("e", e)
                .put("kid", kid)
                .put("alg", "RS256")
                .put("use", "sig");
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            bytes = trimmed;
        }
        return B64.encodeToString(bytes);
    }
}
