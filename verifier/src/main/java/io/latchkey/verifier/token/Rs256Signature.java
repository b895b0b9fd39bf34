package io.latchkey.verifier.token;

import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.interfaces.RSAPublicKey;

/**
 * RS256 (RSASSA-PKCS1-v1_5 with SHA-256) verification of a JWS signing input. A verify is tens of microseconds, so
 * it runs on the calling event loop; one {@link Signature} per thread avoids a provider lookup per request.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.3">RFC 7518 §3.3</a>
 */
public final class Rs256Signature {
    /** RFC 7518 §3.3: keys of 2048 bits or larger. */
    public static final int MIN_KEY_BITS = 2048;

    private static final ThreadLocal<Signature> SIGNATURE = ThreadLocal.withInitial(() -> {
        try {
            return Signature.getInstance("SHA256withRSA");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA256withRSA is not available", e);
        }
    });

    private Rs256Signature() {}

    public static void verify(CompactJws jws, RSAPublicKey key) {
        if (key.getModulus().bitLength() < MIN_KEY_BITS) {
            throw new TokenRejected(Reason.BAD_SIGNATURE, "key shorter than 2048 bits");
        }
        boolean valid;
        try {
            Signature signature = SIGNATURE.get();
            signature.initVerify(key);
            signature.update(jws.signingInput());
            valid = signature.verify(jws.signature());
        } catch (GeneralSecurityException e) {
            valid = false;
        }
        if (!valid) {
            throw new TokenRejected(Reason.BAD_SIGNATURE, "signature does not verify");
        }
    }
}
