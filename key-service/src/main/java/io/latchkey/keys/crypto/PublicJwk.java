package io.latchkey.keys.crypto;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Base64;

/**
 * The public half of a signing key as a JWK and its RFC 7638 thumbprint, which is the key's {@code kid}: an RSA
 * key ({@code kty}, {@code n}, {@code e}) or a P-256 key ({@code kty}, {@code crv}, {@code x}, {@code y}). Only
 * public parameters ever enter this type.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7638#section-3.2">RFC 7638 §3.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-6">RFC 7518 §6</a>
 */
public sealed interface PublicJwk permits PublicJwk.Rsa, PublicJwk.Ec {
    /** The algorithm this key signs with. */
    SigningAlgorithm algorithm();

    /** The RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order, no whitespace. */
    String thumbprint();

    /** What is stored in {@code signing_keys.public_jwk}: the required members only. */
    JsonObject toStoredJson();

    /** The JWKS entry for this key: the stored members plus {@code kid}, {@code alg} and {@code use}. */
    default JsonObject toJwksEntry(String kid) {
        return toStoredJson().put("kid", kid).put("alg", algorithm().name()).put("use", "sig");
    }

    static PublicJwk of(PublicKey key) {
        if (key instanceof RSAPublicKey rsa) {
            return new Rsa(unsigned(rsa.getModulus(), 0), unsigned(rsa.getPublicExponent(), 0));
        }
        if (key instanceof ECPublicKey ec
                && ec.getParams().getCurve().getField().getFieldSize() == 256) {
            return new Ec(
                    unsigned(ec.getW().getAffineX(), Ec.COORDINATE_BYTES),
                    unsigned(ec.getW().getAffineY(), Ec.COORDINATE_BYTES));
        }
        throw new IllegalArgumentException("only RSA and P-256 keys are signing keys");
    }

    static PublicJwk fromJson(JsonObject json) {
        return "EC".equals(json.getString("kty"))
                ? new Ec(json.getString("x"), json.getString("y"))
                : new Rsa(json.getString("n"), json.getString("e"));
    }

    /** An RSA key (RS256). */
    record Rsa(String n, String e) implements PublicJwk {
        @Override
        public SigningAlgorithm algorithm() {
            return SigningAlgorithm.RS256;
        }

        @Override
        public String thumbprint() {
            return sha256("{\"e\":\"" + e + "\",\"kty\":\"RSA\",\"n\":\"" + n + "\"}");
        }

        @Override
        public JsonObject toStoredJson() {
            return new JsonObject().put("kty", "RSA").put("n", n).put("e", e);
        }
    }

    /** A P-256 key (ES256); {@code x} and {@code y} are the full 32 bytes each (RFC 7518 §6.2.1.2). */
    record Ec(String x, String y) implements PublicJwk {
        static final int COORDINATE_BYTES = 32;

        @Override
        public SigningAlgorithm algorithm() {
            return SigningAlgorithm.ES256;
        }

        @Override
        public String thumbprint() {
            return sha256("{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"" + x + "\",\"y\":\"" + y + "\"}");
        }

        @Override
        public JsonObject toStoredJson() {
            return new JsonObject()
                    .put("kty", "EC")
                    .put("crv", "P-256")
                    .put("x", x)
                    .put("y", y);
        }
    }

    private static String sha256(String canonical) {
        try {
            return base64Url(MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException ex) {
            throw new IllegalStateException("SHA-256 unavailable", ex);
        }
    }

    /** Unsigned big-endian bytes, left-padded with zeros to {@code width} when it is not 0. */
    private static String unsigned(BigInteger value, int width) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            byte[] trimmed = new byte[bytes.length - 1];
            System.arraycopy(bytes, 1, trimmed, 0, trimmed.length);
            bytes = trimmed;
        }
        if (width > bytes.length) {
            byte[] padded = new byte[width];
            System.arraycopy(bytes, 0, padded, width - bytes.length, bytes.length);
            bytes = padded;
        }
        return base64Url(bytes);
    }

    private static String base64Url(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
