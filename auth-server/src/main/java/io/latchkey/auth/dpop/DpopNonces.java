package io.latchkey.auth.dpop;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Server-provided DPoP nonces (RFC 9449 §8) that need no shared state: a nonce is the HMAC-SHA256 of a two-minute
 * window's number under a key derived from the internal secret, which every replica holds, so any replica accepts
 * a nonce another one handed out. A proof's nonce is accepted for the current and the previous window, so a nonce
 * lives two to four minutes; a client that holds a stale one gets {@code use_dpop_nonce} and the fresh value.
 */
public final class DpopNonces {
    static final long WINDOW_SECONDS = 120;
    private static final String KEY_LABEL = "latchkey dpop nonce key v1";

    private final byte[] key;
    private final LongSupplier millis;
    private volatile Issued current = new Issued(Long.MIN_VALUE, "");

    public DpopNonces(String internalSecret, LongSupplier millis) {
        this.key = hmac(internalSecret.getBytes(StandardCharsets.UTF_8), KEY_LABEL);
        this.millis = millis;
    }

    /** The nonce to hand out now, in a {@code DPoP-Nonce} header. */
    public String current() {
        long window = window();
        Issued issued = current;
        if (issued.window != window) {
            issued = new Issued(window, nonce(window));
            current = issued;
        }
        return issued.nonce;
    }

    /** Whether {@code nonce} is this window's or the previous one's, compared in constant time. */
    public boolean accepts(String nonce) {
        if (nonce == null || nonce.length() > 128) {
            return false;
        }
        byte[] presented = nonce.getBytes(StandardCharsets.US_ASCII);
        long window = window();
        boolean now = MessageDigest.isEqual(presented, current().getBytes(StandardCharsets.US_ASCII));
        boolean previous = MessageDigest.isEqual(presented, nonce(window - 1).getBytes(StandardCharsets.US_ASCII));
        return now | previous;
    }

    private long window() {
        return Math.floorDiv(millis.getAsLong() / 1000, WINDOW_SECONDS);
    }

    private String nonce(long window) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, "dpop-nonce:" + window));
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is always available", e);
        }
    }

    private record Issued(long window, String nonce) {}
}
