package io.latchkey.verifier.jwks;

import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.jose.PublicJwk;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the signing keys out of a JWK Set: RSA keys (RS256, at least 2048 bits) and EC P-256 keys (ES256, the point
 * checked on the curve), each pinned to its algorithm. Keys without a {@code kid}, not for signatures, with any private
 * member, of another type or curve, or whose {@code alg} disagrees with their type are skipped, so one odd key never
 * hides the others.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 */
public final class JwkSetParser {
    private static final Logger LOG = LoggerFactory.getLogger(JwkSetParser.class);

    private JwkSetParser() {}

    /** kid to key; throws {@link IllegalArgumentException} when the document is not a JWK Set at all. */
    public static Map<String, VerificationKey> parse(JsonObject jwks) {
        if (!(jwks.getValue("keys") instanceof JsonArray keys)) {
            throw new IllegalArgumentException("not a JWK Set: no keys array");
        }
        Map<String, VerificationKey> parsed = new HashMap<>();
        for (Object entry : keys) {
            if (!(entry instanceof JsonObject jwk)) {
                continue;
            }
            String kid = jwk.getValue("kid") instanceof String s ? s : null;
            if (kid == null || (jwk.containsKey("use") && !"sig".equals(jwk.getValue("use")))) {
                continue;
            }
            try {
                PublicJwk key = PublicJwk.parse(jwk);
                JwsAlgorithm algorithm = algorithm(key);
                if (algorithm == null) {
                    LOG.debug("Skipping a key of another algorithm in the JWKS, kid {}", kid);
                    continue;
                }
                parsed.put(kid, new VerificationKey(kid, algorithm, key.publicKey()));
            } catch (IllegalArgumentException | ClassCastException e) {
                LOG.warn("Skipping an unreadable key in the JWKS, kid {}: {}", kid, e.getMessage());
            }
        }
        return Map.copyOf(parsed);
    }

    /** The access-token algorithm the key is for: RS256 or ES256; null for any other (EdDSA included). */
    private static JwsAlgorithm algorithm(PublicJwk key) {
        for (JwsAlgorithm candidate : new JwsAlgorithm[] {JwsAlgorithm.RS256, JwsAlgorithm.ES256}) {
            if (candidate.fits(key)) {
                return candidate;
            }
        }
        return null;
    }
}
