package io.latchkey.auth.jwt;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.KeyFactory;
import java.security.PublicKey;
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
 * ones), cached and reloaded at least every second and on an unknown {@code kid}, one load at a time.
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
                    loaded.put(kid, rsa(jwk));
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

    private static PublicKey rsa(JsonObject jwk) throws java.security.GeneralSecurityException {
        Base64.Decoder d = Base64.getUrlDecoder();
        BigInteger n = new BigInteger(1, d.decode(jwk.getString("n")));
        BigInteger e = new BigInteger(1, d.decode(jwk.getString("e")));
        return KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    }
}
