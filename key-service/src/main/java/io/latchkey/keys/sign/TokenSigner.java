package io.latchkey.keys.sign;

import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.keys.SigningKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.util.Base64;

/**
 * Produces a JWS compact serialization with RS256. Each thread keeps its own signature engine, initialised once
 * per key, because engines are not thread-safe and re-initialising costs more than the signature on the native
 * provider.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-7.1">RFC 7515 §7.1</a>
 */
public final class TokenSigner {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final SigningProvider provider;
    private final ThreadLocal<Engine> engines;

    public TokenSigner(SigningProvider provider) {
        this.provider = provider;
        this.engines = ThreadLocal.withInitial(Engine::new);
    }

    /** Signs {@code claims} under {@code key}'s header for {@code type}. */
    public String sign(SigningKey key, TokenType type, JsonObject claims) {
        String signingInput = key.header(type.typ()) + "."
                + B64.encodeToString(claims.toBuffer().getBytes());
        try {
            Signature engine = engines.get().signer(key);
            engine.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            byte[] signature = engine.sign();
            return signingInput + "." + B64.encodeToString(signature);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RS256 signature failed", e);
        }
    }

    private final class Engine {
        private Signature signature;
        private SigningKey key;

        Signature signer(SigningKey wanted) throws GeneralSecurityException {
            if (signature == null) {
                signature = provider.rs256();
            }
            if (key != wanted) {
                signature.initSign(wanted.privateKey());
                key = wanted;
            }
            return signature;
        }
    }
}
