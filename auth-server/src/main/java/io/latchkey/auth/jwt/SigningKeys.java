package io.latchkey.auth.jwt;

import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.jose.PublicJwk;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
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
                } catch (RuntimeException e) {
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

    /** The only JWS algorithm {@code key} verifies: RS256 for an RSA key, ES256 for a P-256 key. */
    public static JwsAlgorithm algorithmOf(PublicKey key) {
        return key instanceof ECPublicKey ? JwsAlgorithm.ES256 : JwsAlgorithm.RS256;
    }

    /** An RSA or P-256 public key, checked by {@link PublicJwk} (a P-256 point off the curve is refused). */
    private static PublicKey publicKey(JsonObject jwk) {
        PublicJwk parsed = PublicJwk.parse(jwk);
        if (!parsed.kty().equals("RSA") && !parsed.kty().equals("EC")) {
            throw new IllegalArgumentException("a signing key is RSA or EC P-256");
        }
        return parsed.publicKey();
    }
}
