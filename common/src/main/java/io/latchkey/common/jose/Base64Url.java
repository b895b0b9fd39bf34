package io.latchkey.common.jose;

import java.util.Base64;

/**
 * base64url without padding, as JOSE uses it. Decoding is strict: only the 64 alphabet characters, no {@code =}, no
 * whitespace, no length that cannot occur, and no stray bits in the last character, so every value has exactly one
 * encoding (a token cannot be altered without changing its bytes).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-2">RFC 7515 §2 (Base64url Encoding)</a>
 */
public final class Base64Url {
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private Base64Url() {}

    public static String encode(byte[] bytes) {
        return ENCODER.encodeToString(bytes);
    }

    /** Decodes {@code text}; throws {@link IllegalArgumentException} unless it is canonical unpadded base64url. */
    public static byte[] decode(String text) {
        if (text == null) {
            throw new IllegalArgumentException("base64url value missing");
        }
        int length = text.length();
        if (length % 4 == 1) {
            throw new IllegalArgumentException("base64url value of impossible length");
        }
        for (int i = 0; i < length; i++) {
            if (!isAlphabet(text.charAt(i))) {
                throw new IllegalArgumentException("not base64url");
            }
        }
        byte[] bytes = DECODER.decode(text);
        // The JDK ignores unused low bits in the last character; a second spelling of the same bytes is refused.
        int last = length % 4;
        if (last != 0) {
            int value = index(text.charAt(length - 1));
            int unusedBits = last == 2 ? 4 : 2;
            if ((value & ((1 << unusedBits) - 1)) != 0) {
                throw new IllegalArgumentException("non-canonical base64url");
            }
        }
        return bytes;
    }

    /** True when {@code c} is one of the 64 base64url characters. */
    public static boolean isAlphabet(char c) {
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
    }

    private static int index(char c) {
        if (c >= 'A' && c <= 'Z') {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z') {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9') {
            return c - '0' + 52;
        }
        return c == '-' ? 62 : 63;
    }
}
