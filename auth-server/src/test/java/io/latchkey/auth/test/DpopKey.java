package io.latchkey.auth.test;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.util.Base64URL;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.Signature;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A client's DPoP key (ES256, RS256 or Ed25519) and a builder of proofs signed with it by the JDK, so a test can
 * also make every malformed proof a client could send. The thumbprint comes from Nimbus, an implementation
 * independent of the server's.
 */
public final class DpopKey {
    private final String alg;
    private final KeyPair pair;
    private final JsonObject publicJwk;
    private final JWK nimbus;

    private DpopKey(String alg, KeyPair pair, JsonObject publicJwk, JWK nimbus) {
        this.alg = alg;
        this.pair = pair;
        this.publicJwk = publicJwk;
        this.nimbus = nimbus;
    }

    public static DpopKey es256() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("EC");
            gen.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = gen.generateKeyPair();
            ECPublicKey pub = (ECPublicKey) pair.getPublic();
            JsonObject jwk = new JsonObject()
                    .put("kty", "EC")
                    .put("crv", "P-256")
                    .put("x", b64(fixed(pub.getW().getAffineX(), 32)))
                    .put("y", b64(fixed(pub.getW().getAffineY(), 32)));
            return new DpopKey("ES256", pair, jwk, new ECKey.Builder(Curve.P_256, pub).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static DpopKey rs256() {
        try {
            KeyPairGenerator gen = KeyPairGenerator.getInstance("RSA");
            gen.initialize(2048);
            KeyPair pair = gen.generateKeyPair();
            RSAPublicKey pub = (RSAPublicKey) pair.getPublic();
            JsonObject jwk = new JsonObject()
                    .put("kty", "RSA")
                    .put("n", b64(unsigned(pub.getModulus())))
                    .put("e", b64(unsigned(pub.getPublicExponent())));
            return new DpopKey("RS256", pair, jwk, new RSAKey.Builder(pub).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Ed25519 key whose proofs name {@code alg} ({@code EdDSA} or {@code Ed25519}). */
    public static DpopKey ed25519(String alg) {
        try {
            KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
            byte[] encoded = pair.getPublic().getEncoded();
            byte[] x = Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
            JsonObject jwk =
                    new JsonObject().put("kty", "OKP").put("crv", "Ed25519").put("x", b64(x));
            return new DpopKey(alg, pair, jwk, new OctetKeyPair.Builder(Curve.Ed25519, Base64URL.encode(x)).build());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The RFC 7638 SHA-256 thumbprint, as Nimbus computes it. */
    public String thumbprint() {
        try {
            return nimbus.computeThumbprint().toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonObject publicJwk() {
        return publicJwk.copy();
    }

    /** The public JWK with the private part added: what a proof must never carry. */
    public JsonObject jwkWithPrivatePart() {
        JsonObject jwk = publicJwk();
        if (pair.getPrivate() instanceof ECPrivateKey ec) {
            jwk.put("d", b64(fixed(ec.getS(), 32)));
        } else if (pair.getPrivate() instanceof RSAPrivateCrtKey rsa) {
            jwk.put("d", b64(unsigned(rsa.getPrivateExponent())))
                    .put("p", b64(unsigned(rsa.getPrimeP())))
                    .put("q", b64(unsigned(rsa.getPrimeQ())));
        } else {
            jwk.put("d", b64(new byte[32]));
        }
        return jwk;
    }

    /** A valid proof for {@code htm} {@code htu}, now, with a fresh jti. */
    public String proof(String htm, String htu) {
        return builder(htm, htu).sign();
    }

    public Builder builder(String htm, String htu) {
        return new Builder(htm, htu);
    }

    /** One proof; each setter breaks or adds one thing. */
    public final class Builder {
        private final JsonObject header;
        private final JsonObject claims;
        private String hmacSecret;

        private Builder(String htm, String htu) {
            header = new JsonObject().put("typ", "dpop+jwt").put("alg", alg).put("jwk", publicJwk());
            claims = new JsonObject()
                    .put("jti", UUID.randomUUID().toString())
                    .put("htm", htm)
                    .put("htu", htu)
                    .put("iat", System.currentTimeMillis() / 1000);
        }

        public Builder header(String name, Object value) {
            if (value == null) {
                header.remove(name);
            } else {
                header.put(name, value);
            }
            return this;
        }

        public Builder claim(String name, Object value) {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
            return this;
        }

        public Builder jti(String jti) {
            return claim("jti", jti);
        }

        public Builder iat(long epochSeconds) {
            return claim("iat", epochSeconds);
        }

        public Builder nonce(String nonce) {
            return claim("nonce", nonce);
        }

        /** {@code ath}: base64url SHA-256 of the access token (RFC 9449 §4.2). */
        public Builder ath(String accessToken) {
            try {
                byte[] hash =
                        MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
                return claim("ath", b64(hash));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        /** Signs with HMAC-SHA256 under {@code secret} and says {@code HS256}: a symmetric proof. */
        public Builder hs256(String secret) {
            this.hmacSecret = secret;
            return header("alg", "HS256");
        }

        /** {@code alg} {@code none} with an empty signature. */
        public String unsigned() {
            header.put("alg", "none");
            return input() + ".";
        }

        public String sign() {
            try {
                String input = input();
                byte[] data = input.getBytes(StandardCharsets.US_ASCII);
                byte[] signature;
                if (hmacSecret != null) {
                    Mac mac = Mac.getInstance("HmacSHA256");
                    mac.init(new SecretKeySpec(hmacSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                    signature = mac.doFinal(data);
                } else {
                    Signature signer = Signature.getInstance(
                            switch (alg) {
                                case "ES256" -> "SHA256withECDSAinP1363Format";
                                case "RS256" -> "SHA256withRSA";
                                default -> "Ed25519";
                            });
                    signer.initSign(pair.getPrivate());
                    signer.update(data);
                    signature = signer.sign();
                }
                return input + "." + b64(signature);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private String input() {
            return b64(header.encode().getBytes(StandardCharsets.UTF_8)) + "."
                    + b64(claims.encode().getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static byte[] unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        return bytes[0] == 0 && bytes.length > 1 ? Arrays.copyOfRange(bytes, 1, bytes.length) : bytes;
    }

    private static byte[] fixed(BigInteger value, int length) {
        byte[] bytes = unsigned(value);
        byte[] out = new byte[length];
        System.arraycopy(bytes, 0, out, length - bytes.length, bytes.length);
        return out;
    }
}
