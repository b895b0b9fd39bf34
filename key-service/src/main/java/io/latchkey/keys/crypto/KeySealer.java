package io.latchkey.keys.crypto;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals private keys at rest with AES-256-GCM under the key-encryption key (KEK), binding each sealed key to
 * its {@code kid} as associated data so a sealed blob moved to another row does not open. The sealed form is
 * {@code version(1) || nonce(12) || ciphertext || tag(16)}. The KEK's fingerprint (an HMAC of a fixed label,
 * which reveals nothing about the KEK) is stored beside each key so a start with another KEK stops clearly.
 *
 * @see <a href="https://nvlpubs.nist.gov/nistpubs/Legacy/SP/nistspecialpublication800-38d.pdf">NIST SP
 *     800-38D (GCM)</a>
 */
public final class KeySealer {
    private static final byte VERSION = 1;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec kek;
    private final String fingerprint;
    private final SecureRandom random = new SecureRandom();

    public KeySealer(byte[] kek) {
        if (kek.length != 32) {
            throw new IllegalArgumentException("the KEK must have 32 bytes");
        }
        this.kek = new SecretKeySpec(kek.clone(), "AES");
        this.fingerprint = fingerprintOf(kek);
    }

    /** The KEK's fingerprint, stored beside every key it seals. */
    public String fingerprint() {
        return fingerprint;
    }

    public byte[] seal(String kid, byte[] plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, kek, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = cipher.doFinal(plaintext);
            return ByteBuffer.allocate(1 + NONCE_BYTES + sealed.length)
                    .put(VERSION)
                    .put(nonce)
                    .put(sealed)
                    .array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("sealing failed", e);
        }
    }

    /** Opens a sealed key; fails when the KEK, the kid or the bytes differ from those that sealed it. */
    public byte[] open(String kid, byte[] sealed) throws GeneralSecurityException {
        if (sealed.length < 1 + NONCE_BYTES + TAG_BITS / 8 || sealed[0] != VERSION) {
            throw new GeneralSecurityException("unknown sealed key format");
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(
                Cipher.DECRYPT_MODE,
                kek,
                new GCMParameterSpec(TAG_BITS, Arrays.copyOfRange(sealed, 1, 1 + NONCE_BYTES)));
        cipher.updateAAD(kid.getBytes(StandardCharsets.UTF_8));
        return cipher.doFinal(sealed, 1 + NONCE_BYTES, sealed.length - 1 - NONCE_BYTES);
    }

    private static String fingerprintOf(byte[] kek) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(kek, "HmacSHA256"));
            byte[] digest = mac.doFinal("latchkey-kek-fingerprint-v1".getBytes(StandardCharsets.US_ASCII));
            return "hmac-sha256:" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Constant-time comparison of two fingerprints. */
    public boolean matches(String storedFingerprint) {
        return MessageDigest.isEqual(
                fingerprint.getBytes(StandardCharsets.US_ASCII), storedFingerprint.getBytes(StandardCharsets.US_ASCII));
    }
}
