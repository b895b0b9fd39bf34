package io.latchkey.common.testing;

import io.latchkey.common.jose.Base64Url;
import io.latchkey.common.jose.JwkThumbprint;
import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.jose.PublicJwk;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;

/**
 * A real signing key for tests of any {@link JwsAlgorithm} (ES256 on P-256, RS256 with 2048 bits, EdDSA with
 * Ed25519): its public JWK, the same with its private member (for "private key in a JWK" tests), its RFC 7638
 * thumbprint, and JOSE-form signatures (R‖S for ES256).
 */
public final class TestJoseKey {
    private final JwsAlgorithm algorithm;
    private final KeyPair pair;

    private TestJoseKey(JwsAlgorithm algorithm, KeyPair pair) {
        this.algorithm = algorithm;
        this.pair = pair;
    }

    public static TestJoseKey es256() {
        return generate(JwsAlgorithm.ES256, "EC", new ECGenParameterSpec("secp256r1"), 0);
    }

    public static TestJoseKey rs256() {
        return generate(JwsAlgorithm.RS256, "RSA", null, 2048);
    }

    public static TestJoseKey ed25519() {
        return generate(JwsAlgorithm.EdDSA, "Ed25519", null, 0);
    }

    public static TestJoseKey of(JwsAlgorithm algorithm) {
        return switch (algorithm) {
            case ES256 -> es256();
            case RS256 -> rs256();
            case EdDSA -> ed25519();
        };
    }

    private static TestJoseKey generate(JwsAlgorithm algorithm, String type, ECGenParameterSpec curve, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                generator.initialize(curve);
            } else if (bits > 0) {
                generator.initialize(bits);
            }
            return new TestJoseKey(algorithm, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public JwsAlgorithm algorithm() {
        return algorithm;
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    /** The public JWK: required members only. */
    public JsonObject jwk() {
        return switch (algorithm) {
            case RS256 -> {
                RSAPublicKey rsa = (RSAPublicKey) publicKey();
                yield new JsonObject()
                        .put("kty", "RSA")
                        .put("n", unsigned(rsa.getModulus(), 0))
                        .put("e", unsigned(rsa.getPublicExponent(), 0));
            }
            case ES256 -> {
                ECPublicKey ec = (ECPublicKey) publicKey();
                yield new JsonObject()
                        .put("kty", "EC")
                        .put("crv", "P-256")
                        .put("x", unsigned(ec.getW().getAffineX(), 32))
                        .put("y", unsigned(ec.getW().getAffineY(), 32));
            }
            case EdDSA -> {
                byte[] spki = publicKey().getEncoded();
                yield new JsonObject()
                        .put("kty", "OKP")
                        .put("crv", "Ed25519")
                        .put("x", Base64Url.encode(Arrays.copyOfRange(spki, spki.length - 32, spki.length)));
            }
        };
    }

    /** The public JWK as key-service publishes one: with {@code kid} (the thumbprint), {@code alg} and {@code use}. */
    public JsonObject publishedJwk() {
        return jwk().put("kid", thumbprint()).put("alg", algorithm.jwsName()).put("use", "sig");
    }

    /** The JWK with its private member {@code d} (the private exponent or scalar) as well. */
    public JsonObject jwkWithPrivateMember() {
        BigInteger d =
                switch (algorithm) {
                    case RS256 -> ((RSAPrivateCrtKey) privateKey()).getPrivateExponent();
                    case ES256 -> ((ECPrivateKey) privateKey()).getS();
                    case EdDSA -> BigInteger.ONE; // any value: only its presence matters
                };
        return jwk().put("d", unsigned(d, 0));
    }

    public String thumbprint() {
        return JwkThumbprint.of(PublicJwk.parse(jwk()));
    }

    /** The JOSE signature of {@code input}: PKCS#1 v1.5, R‖S (64 bytes) or Ed25519. */
    public byte[] sign(byte[] input) {
        try {
            Signature signature = Signature.getInstance(
                    switch (algorithm) {
                        case RS256 -> "SHA256withRSA";
                        case ES256 -> "SHA256withECDSAinP1363Format";
                        case EdDSA -> "Ed25519";
                    });
            signature.initSign(privateKey());
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The ES256 signature in ASN.1 DER, the form JOSE forbids. */
    public byte[] signDer(byte[] input) {
        try {
            Signature signature = Signature.getInstance("SHA256withECDSA");
            signature.initSign(privateKey());
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A compact JWS of {@code header} and {@code payload} signed by this key (the header is taken as given). */
    public String compact(JsonObject header, JsonObject payload) {
        String input = signingInput(header, payload);
        return input + "." + Base64Url.encode(sign(input.getBytes(StandardCharsets.US_ASCII)));
    }

    public static String signingInput(JsonObject header, JsonObject payload) {
        return Base64Url.encode(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                + Base64Url.encode(payload.encode().getBytes(StandardCharsets.UTF_8));
    }

    /** Unsigned big-endian, left-padded to {@code length} bytes (0: minimal). */
    static String unsigned(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        int size = bytes.length - start;
        byte[] out = new byte[Math.max(size, length)];
        System.arraycopy(bytes, start, out, out.length - size, size);
        return Base64Url.encode(out);
    }
}
