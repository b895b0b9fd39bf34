package io.latchkey.verifier.testing;

import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.verifier.jwks.VerificationKey;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;

/**
 * A real signing key for tests (RSA for RS256 or EC P-256 for ES256), named by its RFC 7638 thumbprint like
 * key-service names its keys, signing in the JOSE form (R‖S for ES256).
 */
public final class TestKeys {
    private final JwsAlgorithm algorithm;
    private final KeyPair pair;
    private final String kid;

    private TestKeys(JwsAlgorithm algorithm, KeyPair pair) {
        this.algorithm = algorithm;
        this.pair = pair;
        this.kid = thumbprint(requiredMembers());
    }

    public static TestKeys rsa2048() {
        return rsa(2048);
    }

    public static TestKeys rsa(int bits) {
        return generate(JwsAlgorithm.RS256, "RSA", null, bits);
    }

    /** An EC P-256 key for ES256. */
    public static TestKeys es256() {
        return generate(JwsAlgorithm.ES256, "EC", new ECGenParameterSpec("secp256r1"), 0);
    }

    private static TestKeys generate(JwsAlgorithm algorithm, String type, ECGenParameterSpec curve, int bits) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
            if (curve != null) {
                generator.initialize(curve);
            } else {
                generator.initialize(bits);
            }
            return new TestKeys(algorithm, generator.generateKeyPair());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String kid() {
        return kid;
    }

    /** The algorithm the key is published for: RS256 or ES256. */
    public JwsAlgorithm algorithm() {
        return algorithm;
    }

    public PublicKey publicKey() {
        return pair.getPublic();
    }

    public PrivateKey privateKey() {
        return pair.getPrivate();
    }

    /** What the verifier's JWKS parser makes of this key. */
    public VerificationKey verificationKey() {
        return new VerificationKey(kid, algorithm, publicKey());
    }

    /** The public JWK as key-service publishes it. */
    public JsonObject jwk() {
        JsonObject jwk = new JsonObject();
        requiredMembers().forEach(jwk::put);
        return jwk.put("kid", kid).put("alg", algorithm.jwsName()).put("use", "sig");
    }

    /** The JOSE signature of {@code input}: PKCS#1 v1.5 for RS256, R‖S (64 bytes) for ES256. */
    public byte[] sign(byte[] input) {
        return sign(algorithm == JwsAlgorithm.ES256 ? "SHA256withECDSAinP1363Format" : "SHA256withRSA", input);
    }

    /** The ES256 signature in ASN.1 DER, the form JOSE forbids. */
    public byte[] signDer(byte[] input) {
        return sign("SHA256withECDSA", input);
    }

    private byte[] sign(String jcaName, byte[] input) {
        try {
            Signature signature = Signature.getInstance(jcaName);
            signature.initSign(privateKey());
            signature.update(input);
            return signature.sign();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, String> requiredMembers() {
        Map<String, String> members = new TreeMap<>();
        if (algorithm == JwsAlgorithm.ES256) {
            ECPublicKey ec = (ECPublicKey) publicKey();
            members.put("crv", "P-256");
            members.put("kty", "EC");
            members.put("x", b64(ec.getW().getAffineX(), 32));
            members.put("y", b64(ec.getW().getAffineY(), 32));
        } else {
            RSAPublicKey rsa = (RSAPublicKey) publicKey();
            members.put("e", b64(rsa.getPublicExponent()));
            members.put("kty", "RSA");
            members.put("n", b64(rsa.getModulus()));
        }
        return members;
    }

    private static String thumbprint(Map<String, String> sortedMembers) {
        StringBuilder canonical = new StringBuilder("{");
        sortedMembers.forEach((name, value) -> {
            if (canonical.length() > 1) {
                canonical.append(',');
            }
            canonical.append('"').append(name).append("\":\"").append(value).append('"');
        });
        canonical.append('}');
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest(canonical.toString().getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String b64(BigInteger value) {
        return b64(value, 0);
    }

    /** Unsigned big-endian, left-padded with zeros to {@code length} bytes (0: minimal). */
    static String b64(BigInteger value, int length) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        int size = bytes.length - start;
        byte[] out = new byte[Math.max(size, length)];
        System.arraycopy(bytes, start, out, out.length - size, size);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    }
}
