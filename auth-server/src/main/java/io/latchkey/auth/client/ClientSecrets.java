package io.latchkey.auth.client;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Client secrets: generated with 256 random bits, stored only as SHA-256 (a high-entropy secret needs no slow
 * hash), compared in constant time.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
public final class ClientSecrets {
    public static final int MIN_SUPPLIED_LENGTH = 32;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final byte[] NO_MATCH = sha256("latchkey-no-client");

    private ClientSecrets() {}

    public static String generate() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Constant-time check; a null stored hash (unknown or public client) is compared too and never matches. */
    public static boolean matches(byte[] storedHashOrNull, String candidate) {
        byte[] actual = sha256(candidate);
        boolean equal = MessageDigest.isEqual(storedHashOrNull == null ? NO_MATCH : storedHashOrNull, actual);
        return equal && storedHashOrNull != null;
    }
}
