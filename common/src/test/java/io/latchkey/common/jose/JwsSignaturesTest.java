package io.latchkey.common.jose;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.TestJoseKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JwsSignaturesTest {
    private static final byte[] INPUT = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0".getBytes(StandardCharsets.US_ASCII);
    private static final TestJoseKey EC = TestJoseKey.es256();
    private static final TestJoseKey RSA = TestJoseKey.rs256();
    private static final TestJoseKey ED = TestJoseKey.ed25519();

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void verifyWhenSignedByTheKeyThenTrue(JwsAlgorithm algorithm) {
        TestJoseKey key = key(algorithm);

        assertTrue(JwsSignatures.verify(algorithm, key.publicKey(), INPUT, key.sign(INPUT)));
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void verifyWhenInputChangedThenFalse(JwsAlgorithm algorithm) {
        TestJoseKey key = key(algorithm);
        byte[] signature = key.sign(INPUT);
        byte[] other = INPUT.clone();
        other[3] ^= 1;

        assertFalse(JwsSignatures.verify(algorithm, key.publicKey(), other, signature));
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void verifyWhenAnotherKeyThenFalse(JwsAlgorithm algorithm) {
        assertFalse(JwsSignatures.verify(
                algorithm,
                TestJoseKey.of(algorithm).publicKey(),
                INPUT,
                key(algorithm).sign(INPUT)));
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void verifyWhenAllZerosThenFalse(JwsAlgorithm algorithm) {
        int length = algorithm == JwsAlgorithm.RS256 ? 256 : 64;

        assertFalse(JwsSignatures.verify(algorithm, key(algorithm).publicKey(), INPUT, new byte[length]));
        assertFalse(JwsSignatures.verify(algorithm, key(algorithm).publicKey(), INPUT, new byte[0]));
    }

    @Test
    void verifyWhenEs256SignatureInDerThenFalse() {
        byte[] der = EC.signDer(INPUT);

        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, der));
    }

    @Test
    void verifyWhenEs256ROrSNotBelowOrderThenFalse() {
        byte[] good = EC.sign(INPUT);
        BigInteger n = PublicJwk.P256.getOrder();
        BigInteger r = new BigInteger(1, Arrays.copyOfRange(good, 0, 32));
        BigInteger s = new BigInteger(1, Arrays.copyOfRange(good, 32, 64));

        // n is 0 mod n: a lax implementation reducing first would take it for zero.
        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, rs(n, s)));
        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, rs(r, n)));
        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, rs(r, BigInteger.ZERO)));
        assertTrue(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, rs(r, s)));
    }

    @Test
    void verifyWhenEs256SignatureLengthWrongThenFalse() {
        byte[] good = EC.sign(INPUT);
        byte[] longer = Arrays.copyOf(good, 65);

        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, longer));
        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, EC.publicKey(), INPUT, Arrays.copyOf(good, 63)));
    }

    @Test
    void verifyWhenKeyOfAnotherTypeThenFalse() {
        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, RSA.publicKey(), INPUT, EC.sign(INPUT)));
        assertFalse(JwsSignatures.verify(JwsAlgorithm.RS256, EC.publicKey(), INPUT, RSA.sign(INPUT)));
        assertFalse(JwsSignatures.verify(JwsAlgorithm.EdDSA, EC.publicKey(), INPUT, ED.sign(INPUT)));
        assertFalse(JwsSignatures.verify(JwsAlgorithm.ES256, ED.publicKey(), INPUT, ED.sign(INPUT)));
        assertFalse(JwsSignatures.verify(null, EC.publicKey(), INPUT, EC.sign(INPUT)));
    }

    @Test
    void toDerWhenHighBitsAndLeadingZerosThenValidDer() {
        byte[] rs = new byte[64];
        rs[0] = (byte) 0x80; // r needs a padding zero
        rs[63] = 1; // s is 1: 31 leading zeros dropped
        byte[] der = JwsSignatures.toDer(rs);

        assertTrue(Arrays.equals(new byte[] {0x30, 0x26, 0x02, 0x21, 0x00, (byte) 0x80}, Arrays.copyOf(der, 6)));
        assertTrue(Arrays.equals(new byte[] {0x02, 0x01, 0x01}, Arrays.copyOfRange(der, der.length - 3, der.length)));
    }

    private static byte[] rs(BigInteger r, BigInteger s) {
        byte[] out = new byte[64];
        byte[] rb = r.toByteArray();
        byte[] sb = s.toByteArray();
        System.arraycopy(rb, Math.max(0, rb.length - 32), out, Math.max(0, 32 - rb.length), Math.min(32, rb.length));
        System.arraycopy(
                sb, Math.max(0, sb.length - 32), out, 32 + Math.max(0, 32 - sb.length), Math.min(32, sb.length));
        return out;
    }

    private static TestJoseKey key(JwsAlgorithm algorithm) {
        return switch (algorithm) {
            case ES256 -> EC;
            case RS256 -> RSA;
            case EdDSA -> ED;
        };
    }
}
