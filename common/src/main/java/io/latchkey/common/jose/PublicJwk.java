package io.latchkey.common.jose;

import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A public JSON Web Key, checked and turned into a JCA key: RSA ({@code n}, {@code e}, at least 2048 bits), EC P-256
 * ({@code x}, {@code y} of 32 bytes each, the point on the curve) or OKP Ed25519 ({@code x}). A JWK with any private
 * member, or of another type or curve, is refused: a verifier must never take a private key from the outside, and an
 * unchecked EC point invites invalid-curve attacks.
 *
 * <p>{@link #parse} throws {@link IllegalArgumentException} with a short reason for anything it refuses.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-4">RFC 7517 §4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-6">RFC 7518 §6</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8037#section-2">RFC 8037 §2</a>
 */
public final class PublicJwk {
    /** RFC 7518 §3.3: RSA keys of 2048 bits or larger. */
    public static final int MIN_RSA_BITS = 2048;

    /** Above any RSA key in use; bounds the cost of a hostile key. */
    public static final int MAX_RSA_BITS = 8192;

    private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "k", "oth", "priv");

    /** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410 §4), followed by the 32-byte key. */
    private static final byte[] ED25519_SPKI_PREFIX = {
        0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00
    };

    static final ECParameterSpec P256 = p256();

    private final String kty;
    private final String crv;
    private final String alg;
    private final String kid;
    private final Map<String, String> required;
    private final PublicKey publicKey;

    private PublicJwk(String kty, String crv, String alg, String kid, Map<String, String> required, PublicKey key) {
        this.kty = kty;
        this.crv = crv;
        this.alg = alg;
        this.kid = kid;
        this.required = required;
        this.publicKey = key;
    }

    public static PublicJwk parse(JsonObject jwk) {
        if (jwk == null) {
            throw new IllegalArgumentException("jwk missing");
        }
        for (String member : PRIVATE_MEMBERS) {
            if (jwk.containsKey(member)) {
                throw new IllegalArgumentException("jwk holds a private member");
            }
        }
        String kty = string(jwk, "kty", true);
        String alg = string(jwk, "alg", false);
        String kid = string(jwk, "kid", false);
        try {
            return switch (kty) {
                case "RSA" -> rsa(jwk, alg, kid);
                case "EC" -> ec(jwk, alg, kid);
                case "OKP" -> okp(jwk, alg, kid);
                default -> throw new IllegalArgumentException("unsupported kty");
            };
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("jwk is not a valid key");
        }
    }

    private static PublicJwk rsa(JsonObject jwk, String alg, String kid) throws GeneralSecurityException {
        String n = string(jwk, "n", true);
        String e = string(jwk, "e", true);
        byte[] nBytes = Base64Url.decode(n);
        byte[] eBytes = Base64Url.decode(e);
        // RFC 7518 §6.3.1.1: unsigned big-endian with no leading zero octet, so the thumbprint has one form.
        if (nBytes.length == 0 || nBytes[0] == 0 || eBytes.length == 0 || eBytes[0] == 0) {
            throw new IllegalArgumentException("RSA n or e not in minimal form");
        }
        BigInteger modulus = new BigInteger(1, nBytes);
        BigInteger exponent = new BigInteger(1, eBytes);
        if (modulus.bitLength() < MIN_RSA_BITS || modulus.bitLength() > MAX_RSA_BITS) {
            throw new IllegalArgumentException("RSA modulus must be 2048 to 8192 bits");
        }
        if (!exponent.testBit(0) || exponent.compareTo(BigInteger.ONE) <= 0 || exponent.bitLength() > 32) {
            throw new IllegalArgumentException("RSA exponent not acceptable");
        }
        PublicKey key = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(modulus, exponent));
        return new PublicJwk("RSA", null, alg, kid, Map.of("e", e, "kty", "RSA", "n", n), key);
    }

    private static PublicJwk ec(JsonObject jwk, String alg, String kid) throws GeneralSecurityException {
        if (!"P-256".equals(string(jwk, "crv", true))) {
            throw new IllegalArgumentException("unsupported crv");
        }
        String x = string(jwk, "x", true);
        String y = string(jwk, "y", true);
        byte[] xBytes = Base64Url.decode(x);
        byte[] yBytes = Base64Url.decode(y);
        // RFC 7518 §6.2.1.2: the full coordinate size, leading zeros kept.
        if (xBytes.length != 32 || yBytes.length != 32) {
            throw new IllegalArgumentException("EC coordinates must be 32 bytes");
        }
        ECPoint point = new ECPoint(new BigInteger(1, xBytes), new BigInteger(1, yBytes));
        if (!onP256(point)) {
            throw new IllegalArgumentException("EC point not on P-256");
        }
        PublicKey key = KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, P256));
        return new PublicJwk("EC", "P-256", alg, kid, Map.of("crv", "P-256", "kty", "EC", "x", x, "y", y), key);
    }

    private static PublicJwk okp(JsonObject jwk, String alg, String kid) throws GeneralSecurityException {
        if (!"Ed25519".equals(string(jwk, "crv", true))) {
            throw new IllegalArgumentException("unsupported crv");
        }
        String x = string(jwk, "x", true);
        byte[] xBytes = Base64Url.decode(x);
        if (xBytes.length != 32) {
            throw new IllegalArgumentException("Ed25519 key must be 32 bytes");
        }
        byte[] spki = new byte[ED25519_SPKI_PREFIX.length + 32];
        System.arraycopy(ED25519_SPKI_PREFIX, 0, spki, 0, ED25519_SPKI_PREFIX.length);
        System.arraycopy(xBytes, 0, spki, ED25519_SPKI_PREFIX.length, 32);
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(new X509EncodedKeySpec(spki));
        return new PublicJwk("OKP", "Ed25519", alg, kid, Map.of("crv", "Ed25519", "kty", "OKP", "x", x), key);
    }

    /** y² = x³ - 3x + b (mod p), with both coordinates below p; the point at infinity has no JWK form. */
    static boolean onP256(ECPoint point) {
        BigInteger p = ((ECFieldFp) P256.getCurve().getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right = x.pow(3)
                .add(P256.getCurve().getA().multiply(x))
                .add(P256.getCurve().getB())
                .mod(p);
        return left.equals(right);
    }

    private static String string(JsonObject jwk, String name, boolean required) {
        Object value = jwk.getValue(name);
        if (value == null) {
            if (required) {
                throw new IllegalArgumentException("jwk " + name + " missing");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            throw new IllegalArgumentException("jwk " + name + " is not a string");
        }
        return s;
    }

    private static ECParameterSpec p256() {
        try {
            AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
            parameters.init(new ECGenParameterSpec("secp256r1"));
            return parameters.getParameterSpec(ECParameterSpec.class);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("P-256 is not available", e);
        }
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** {@code RSA}, {@code EC} or {@code OKP}. */
    public String kty() {
        return kty;
    }

    /** {@code P-256}, {@code Ed25519}, or null for RSA. */
    public String crv() {
        return crv;
    }

    /** The key's {@code alg}, when it names one. */
    public Optional<String> alg() {
        return Optional.ofNullable(alg);
    }

    /** The key's {@code kid}, or null. */
    public String kid() {
        return kid;
    }

    /** The members RFC 7638 §3.2 hashes for this key type, by name. */
    Map<String, String> requiredMembers() {
        return required;
    }
}
