package io.latchkey.keys.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

class KeySealerTest {
    private static byte[] kek() {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        return kek;
    }

    private final byte[] plaintext = "private key bytes".getBytes(StandardCharsets.UTF_8);

    @Test
    void openWhenSameKekAndKidThenReturnsThePlaintext() throws Exception {
        KeySealer sealer = new KeySealer(kek());
        assertArrayEquals(plaintext, sealer.open("kid-1", sealer.seal("kid-1", plaintext)));
    }

    @Test
    void openWhenOtherKekThenFails() {
        byte[] sealed = new KeySealer(kek()).seal("kid-1", plaintext);
        assertThrows(GeneralSecurityException.class, () -> new KeySealer(kek()).open("kid-1", sealed));
    }

    @Test
    void openWhenOtherKidThenFails() {
        KeySealer sealer = new KeySealer(kek());
        byte[] sealed = sealer.seal("kid-1", plaintext);
        assertThrows(GeneralSecurityException.class, () -> sealer.open("kid-2", sealed));
    }

    @Test
    void openWhenOneByteChangedThenFails() {
        KeySealer sealer = new KeySealer(kek());
        byte[] sealed = sealer.seal("kid-1", plaintext);
        sealed[sealed.length - 1] ^= 1;
        assertThrows(GeneralSecurityException.class, () -> sealer.open("kid-1", sealed));
    }

    @Test
    void sealWhenCalledTwiceThenNoncesDiffer() {
        KeySealer sealer = new KeySealer(kek());
        assertFalse(java.util.Arrays.equals(sealer.seal("k", plaintext), sealer.seal("k", plaintext)));
    }

    @Test
    void fingerprintWhenKeksDifferThenFingerprintsDifferAndMatchOnlyTheirOwn() {
        byte[] kek = kek();
        KeySealer one = new KeySealer(kek);
        KeySealer same = new KeySealer(kek.clone());
        KeySealer other = new KeySealer(kek());
        assertTrue(one.matches(same.fingerprint()));
        assertFalse(one.matches(other.fingerprint()));
        assertNotEquals(one.fingerprint(), other.fingerprint());
    }
}
