package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.crypto.PublicJwk;
import io.latchkey.keys.crypto.SigningProvider;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;

/**
 * Generates an RSA key pair and seals its private half at once, so the clear private key never leaves this
 * method. Blocking (tens to hundreds of milliseconds): call it on a worker.
 */
public final class KeyGenerator {
    private final SigningProvider provider;
    private final KeySealer sealer;
    private final int bits;

    public KeyGenerator(SigningProvider provider, KeySealer sealer, int bits) {
        this.provider = provider;
        this.sealer = sealer;
        this.bits = bits;
    }

    public NewKey generate() throws GeneralSecurityException {
        KeyPair pair = provider.generate(bits);
        PublicJwk jwk = PublicJwk.of((RSAPublicKey) pair.getPublic());
        String kid = jwk.thumbprint();
        byte[] pkcs8 = pair.getPrivate().getEncoded();
        try {
            return new NewKey(kid, bits, jwk, sealer.seal(kid, pkcs8), sealer.fingerprint());
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
