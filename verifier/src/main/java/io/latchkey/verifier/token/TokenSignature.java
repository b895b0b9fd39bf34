package io.latchkey.verifier.token;

import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.jose.JwsSignatures;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.latchkey.verifier.jwks.VerificationKey;

/**
 * Verifies a token's signature with the key its {@code kid} names, by the algorithm that key is pinned to: a header
 * {@code alg} that differs from the key's (an ES256 token naming an RSA key, an RS256 token naming an EC key) is
 * refused before any signature check, so no algorithm confusion is possible. A verify is tens to a few hundred
 * microseconds, so it runs on the calling event loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1">RFC 8725 §3.1</a>
 */
public final class TokenSignature {
    private TokenSignature() {}

    public static void verify(CompactJws jws, JwsAlgorithm headerAlgorithm, VerificationKey key) {
        if (headerAlgorithm != key.algorithm()) {
            throw new TokenRejected(Reason.UNSUPPORTED_ALGORITHM, "alg does not match the key's algorithm");
        }
        if (!JwsSignatures.verify(key.algorithm(), key.key(), jws.signingInput(), jws.signature())) {
            throw new TokenRejected(Reason.BAD_SIGNATURE, "signature does not verify");
        }
    }
}
