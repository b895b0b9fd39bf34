package io.latchkey.verifier.jwks;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the RSA signing keys out of a JWK Set. Keys that are not RSA, not for signatures, not for RS256 or without
 * a {@code kid} are skipped, so one odd key never hides the others.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 */
public final class JwkSetParser {
    private static final Logger LOG = LoggerFactory.getLogger(JwkSetParser.class);

    private JwkSetParser() {}

    /** kid to key; throws {@link IllegalArgumentException} when the document is not a JWK Set at all. */
    public static Map<String, RSAPublicKey> parse(JsonObject jwks) {
        if (!(jwks.getValue("keys") instanceof JsonArray keys)) {
            throw new IllegalArgumentException("not a JWK Set: no keys array");
        }
        Map<String, RSAPublicKey> parsed = new HashMap<>();
        for (Object entry : keys) {
            if (!(entry instanceof JsonObject jwk)) {
                continue;
            }
            String kid = jwk.getValue("kid") instanceof String s ? s : null;
            if (kid == null
                    || !"RSA".equals(jwk.getValue("kty"))
                    || (jwk.containsKey("use") && !"sig".equals(jwk.getValue("use")))
                    || (jwk.containsKey("alg") && !"RS256".equals(jwk.getValue("alg")))) {
                continue;
            }
            try {
                parsed.put(kid, rsaKey(jwk));
            } catch (IllegalArgumentException | ClassCastException | GeneralSecurityException e) {
                LOG.warn("Skipping an unreadable key in the JWKS, kid {}", kid);
            }
        }
        return Map.copyOf(parsed);
    }

    private static RSAPublicKey rsaKey(JsonObject jwk) throws GeneralSecurityException {
        BigInteger n = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n")));
        BigInteger e = new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e")));
        return (RSAPublicKey) KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(n, e));
    }
}
