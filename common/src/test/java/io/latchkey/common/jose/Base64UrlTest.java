package io.latchkey.common.jose;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class Base64UrlTest {
    @Test
    void encodeWhenBytesThenUnpaddedUrlAlphabet() {
        assertEquals("-_8", Base64Url.encode(new byte[] {(byte) 0xfb, (byte) 0xff}));
        assertEquals("QQ", Base64Url.encode("A".getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void decodeWhenCanonicalThenBytes() {
        assertArrayEquals(new byte[] {(byte) 0xfb, (byte) 0xff}, Base64Url.decode("-_8"));
        assertArrayEquals(new byte[0], Base64Url.decode(""));
    }

    @ParameterizedTest
    @ValueSource(strings = {"QQ==", "QQ=", "+/8", "Q Q", "QQ\n", "Q", "QR", "QUJ", "QUI.", "ä"})
    void decodeWhenPaddedForeignOrNonCanonicalThenRefused(String text) {
        assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(text));
    }

    @Test
    void decodeWhenNullThenRefused() {
        assertThrows(IllegalArgumentException.class, () -> Base64Url.decode(null));
    }
}
