package io.latchkey.keys.crypto;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.SignatureException;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class EcdsaSignaturesTest {
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void derToJoseWhenJdkSignsThenEqualsJdkP1363FormAndVerifiesAsIt() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = generator.generateKeyPair();
        byte[] message = "header.payload".getBytes(StandardCharsets.US_ASCII);
        boolean sawShortPart = false;
        // Enough signatures that some R or S has a leading zero byte (DER then drops it) or a top bit set (DER
        // then adds one): about one signature in 128 has a part with a leading zero, so 2,000 runs miss it with a
        // chance below one in a million.
        for (int i = 0; i < 2000; i++) {
            Signature signer = Signature.getInstance("SHA256withECDSA");
            signer.initSign(pair.getPrivate());
            signer.update(message);
            byte[] der = signer.sign();
            byte[] jose = EcdsaSignatures.derToJose(der, EcdsaSignatures.P256_PART);
            assertEquals(64, jose.length);
            Signature p1363 = Signature.getInstance("SHA256withECDSAinP1363Format");
            p1363.initVerify(pair.getPublic());
            p1363.update(message);
            assertTrue(p1363.verify(jose), "R‖S verifies as the P1363 form");
            sawShortPart |= jose[0] == 0 || jose[32] == 0;
        }
        assertTrue(sawShortPart, "some signature had a part with a leading zero byte, so the padding was exercised");
    }

    @Test
    void derToJoseWhenPartsAreShortThenLeftPaddedWithZeros() throws Exception {
        // r = 0x01, s = 0x7f..: one byte and 32 bytes without a sign byte.
        byte[] s = new byte[32];
        Arrays.fill(s, (byte) 0x7f);
        byte[] der = concat(HEX.parseHex("3025020101" + "0220"), s);
        byte[] jose = EcdsaSignatures.derToJose(der, 32);
        byte[] expected = new byte[64];
        expected[31] = 1;
        System.arraycopy(s, 0, expected, 32, 32);
        assertArrayEquals(expected, jose);
    }

    @Test
    void derToJoseWhenTopBitSetThenSignByteDropped() throws Exception {
        byte[] r = new byte[32];
        Arrays.fill(r, (byte) 0xff);
        byte[] der = concat(HEX.parseHex("3046" + "022100"), r, HEX.parseHex("022100"), r);
        byte[] jose = EcdsaSignatures.derToJose(der, 32);
        assertArrayEquals(concat(r, r), jose);
        assertEquals(new BigInteger(1, r), new BigInteger(1, Arrays.copyOfRange(jose, 32, 64)));
    }

    @Test
    void derToJoseWhenNotDerThenRefused() {
        assertThrows(SignatureException.class, () -> EcdsaSignatures.derToJose(new byte[64], 32));
        assertThrows(SignatureException.class, () -> EcdsaSignatures.derToJose(new byte[0], 32));
        assertThrows(
                SignatureException.class,
                () -> EcdsaSignatures.derToJose(HEX.parseHex("3006020101020101ff"), 32),
                "trailing byte");
        assertThrows(
                SignatureException.class,
                () -> EcdsaSignatures.derToJose(HEX.parseHex("30060201010201"), 32),
                "truncated");
        byte[] big = new byte[33];
        big[0] = 1;
        assertThrows(
                SignatureException.class,
                () -> EcdsaSignatures.derToJose(concat(HEX.parseHex("3026" + "0221"), big, HEX.parseHex("020101")), 32),
                "an integer wider than the curve");
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
