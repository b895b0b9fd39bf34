package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.crypto.PublicJwk;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.crypto.SigningProvider;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Arrays;

/**
 * Generates a key pair of one algorithm (RSA of the configured size for RS256, P-256 for ES256) and seals its
 * private half at once, so the clear private key never leaves this method. Blocking (RSA: tens to hundreds of
 * milliseconds): call it on a worker.
 */
public final class KeyGenerator {
    /** What {@code signing_keys.key_size} records for a P-256 key. */
    static final int P256_SIZE = 256;

    private final SigningProvider provider;
    private final KeySealer sealer;
    private final SigningAlgorithm algorithm;
    private final int bits;

    /** {@code rsaBits} is used for RS256 only. */
    public KeyGenerator(SigningProvider provider, KeySealer sealer, SigningAlgorithm algorithm, int rsaBits) {
        this.provider = provider;
        this.sealer = sealer;
        this.algorithm = algorithm;
        this.bits = algorithm == SigningAlgorithm.ES256 ? P256_SIZE : rsaBits;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    public NewKey generate() throws GeneralSecurityException {
        KeyPair pair = algorithm == SigningAlgorithm.ES256 ? provider.generateP256() : provider.generate(bits);
        PublicJwk jwk = PublicJwk.of(pair.getPublic());
        String kid = jwk.thumbprint();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            return new NewKey(kid, bits, jwk, sealer.seal(kid, pkcs8), sealer.fingerprint());
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
