package io.latchkey.demo.web;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/** Unguessable values (session ids, state, nonce, CSRF tokens, PKCE verifiers) and their digests. */
public final class RandomValues {
    /** 256 bits: twice the 128 that RFC 9700 and the session rules ask for at least. */
    public static final int DEFAULT_BYTES = 32;

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();

    private RandomValues() {}

    /** {@code bytes} random bytes, base64url without padding. */
    public static String token(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return BASE64URL.encodeToString(value);
    }

    public static String token() {
        return token(DEFAULT_BYTES);
    }

    /** SHA-256 of the text, base64url without padding. */
    public static String sha256(String text) {
        return BASE64URL.encodeToString(digest().digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    /** Compares two secrets in time that does not depend on where they differ; {@code null} equals nothing. */
    public static boolean sameSecret(String expected, String presented) {
        if (expected == null || presented == null) {
            return false;
        }
        return MessageDigest.isEqual(
                expected.getBytes(StandardCharsets.UTF_8), presented.getBytes(StandardCharsets.UTF_8));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
