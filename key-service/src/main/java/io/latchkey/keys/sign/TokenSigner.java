package io.latchkey.keys.sign;

import io.latchkey.keys.crypto.EcdsaSignatures;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.keys.SigningKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;
import java.util.EnumMap;
import java.util.Map;

/**
 * Produces a JWS compact serialization with the signing key's algorithm: RS256, or ES256 with the signature in
 * the JOSE form R‖S (RFC 7518 §3.4) rather than the DER the JCA engine returns. Each thread keeps its own
 * signature engine per algorithm, initialised once per key, because engines are not thread-safe and
 * re-initialising costs more than the signature on the native provider.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-7.1">RFC 7515 §7.1</a>
 */
public final class TokenSigner {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SigningProvider provider;
    private final ThreadLocal<Map<SigningAlgorithm, Engine>> engines;

    public TokenSigner(SigningProvider provider) {
        this.provider = provider;
        this.engines = ThreadLocal.withInitial(() -> new EnumMap<>(SigningAlgorithm.class));
    }

    /** Signs {@code claims} under {@code key}'s header for {@code type}. */
    public String sign(SigningKey key, TokenType type, JsonObject claims) {
        String signingInput = key.header(type.typ()) + "."
                + B64.encodeToString(claims.toBuffer().getBytes());
        try {
            Signature engine = engines.get()
                    .computeIfAbsent(key.algorithm(), alg -> new Engine())
                    .signer(key);
            engine.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] signature = engine.sign();
            if (key.algorithm() == SigningAlgorithm.ES256) {
                signature = EcdsaSignatures.derToJose(signature, EcdsaSignatures.P256_PART);
            }
            return signingInput + "." + B64.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(key.algorithm() + " signature failed", e);
        }
    }

    private final class Engine {
        private Signature signature;
        private SigningKey key;

        Signature signer(SigningKey wanted) throws GeneralSecurityException {
            if (signature == null) {
                signature = provider.signature(wanted.algorithm());
            }
            if (key != wanted) {
                signature.initSign(wanted.privateKey());
                key = wanted;
            }
            return signature;
        }
    }
}
