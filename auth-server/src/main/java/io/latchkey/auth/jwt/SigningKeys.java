package io.latchkey.auth.jwt;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECFieldFp;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.EllipticCurve;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public halves of key-service's signing keys, read from {@code signing_keys} (never the revoked or removed
 * ones), cached and reloaded at least every second and on an unknown {@code kid}, one load at a time. An RSA key
 * verifies RS256 only and a P-256 key ES256 only ({@link #algorithmOf}): the key, never the token, decides the
 * algorithm. A P-256 point not on the curve is refused when loaded.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-4">RFC 7517 §4</a>
 */
public final class SigningKeys {
    private static final Logger LOG = LoggerFactory.getLogger(SigningKeys.class);
    private static final long MAX_AGE_MS = 1_000;
    private static final long UNKNOWN_KID_RELOAD_MS = 100;

    private final SigningKeyRepository repository;
    private final LongSupplier millis;
    private volatile Map<String, PublicKey> keys = Map.of();
    private volatile long loadedAt = Long.MIN_VALUE / 2;
    private Future<Map<String, PublicKey>> loading;

    public SigningKeys(SigningKeyRepository repository, LongSupplier millis) {
        this.repository = repository;
        this.millis = millis;
    }

    public Future<Optional<PublicKey>> find(String kid) {
        long age = millis.getAsLong() - loadedAt;
        PublicKey known = keys.get(kid);
        if (age < MAX_AGE_MS && (known != null || age < UNKNOWN_KID_RELOAD_MS)) {
            return Future.succeededFuture(Optional.ofNullable(known));
        }
        return reload().map(loaded -> Optional.ofNullable(loaded.get(kid)));
    }

    private synchronized Future<Map<String, PublicKey>> reload() {
        if (loading != null) {
            return loading;
        }
        Future<Map<String, PublicKey>> load = repository.livePublicKeys().map(jwks -> {
            Map<String, PublicKey> loaded = new HashMap<>();
            jwks.forEach((kid, jwk) -> {
                try {
                    loaded.put(kid, publicKey(jwk));
                } catch (RuntimeException | java.security.GeneralSecurityException e) {
                    LOG.error("signing key {} has an unusable public JWK", kid, e);
                }
            });
            keys = Map.copyOf(loaded);
            loadedAt = millis.getAsLong();
            return keys;
        });
        loading = load;
        load.onComplete(ar -> {
            synchronized (this) {
                loading = null;
            }
        });
        return load;
    }

    /** The only JWS {@code alg} {@code key} verifies: RS256 for an RSA key, ES256 for a P-256 key. */
    public static String algorithmOf(PublicKey key) {
        return key instanceof ECPublicKey ? "ES256" : "RS256";
    }

    private static PublicKey publicKey(JsonObject jwk) throws GeneralSecurityException {
        Object kty = jwk.getValue("kty");
        if ("EC".equals(kty)) {
            return p256(jwk);
        }
        if ("RSA".equals(kty)) {
            return rsa(jwk);
        }
        throw new GeneralSecurityException("unsupported kty");
    }

    private static PublicKey p256(JsonObject jwk) throws GeneralSecurityException {
        if (!"P-256".equals(jwk.getValue("crv"))) {
            throw new GeneralSecurityException("unsupported curve");
        }
        Base64.Decoder d = Base64.getUrlDecoder();
        byte[] xBytes = d.decode(jwk.getString("x"));
        byte[] yBytes = d.decode(jwk.getString("y"));
        if (xBytes.length != 32 || yBytes.length != 32) {
            throw new GeneralSecurityException("P-256 coordinates must be 32 bytes");
        }
        AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
        parameters.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
        ECPoint point = new ECPoint(new BigInteger(1, xBytes), new BigInteger(1, yBytes));
        if (!onCurve(point, spec.getCurve())) {
            throw new GeneralSecurityException("the point is not on P-256");
        }
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
    }

    /** y² = x³ + ax + b (mod p), with both coordinates below p. */
    static boolean onCurve(ECPoint point, EllipticCurve curve) {
        BigInteger p = ((ECFieldFp) curve.getField()).getP();
        BigInteger x = point.getAffineX();
        BigInteger y = point.getAffineY();
        if (x.signum() < 0 || y.signum() < 0 || x.compareTo(p) >= 0 || y.compareTo(p) >= 0) {
            return false;
        }
        BigInteger left = y.multiply(y).mod(p);
        BigInteger right =
                x.pow(3).add(curve.getA().multiply(x)).add(curve.getB()).mod(p);
        return left.equals(right);
    }

    private static PublicKey rsa(JsonObject jwk) throws GeneralSecurityException {
        Base64.Decoder d = Base64.getUrlDecoder();
        BigInteger n = new BigInteger(1, d.decode(jwk.getString("n")));
        BigInteger e = new BigInteger(1, d.decode(jwk.getString("e")));
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    }
}
