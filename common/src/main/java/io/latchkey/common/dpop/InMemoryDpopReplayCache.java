package io.latchkey.common.dpop;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A replay cache for one process (a resource server's verifier): each key's {@code jti} is remembered until its
 * proof could no longer pass the {@code iat} check ({@code iat} + acceptance), then forgotten. Entries are 128-bit
 * digests of key and {@code jti}, so a long {@code jti} costs no more memory than a short one.
 *
 * <p>It is bounded: when it holds {@code maxEntries} live entries it refuses new proofs (fail closed) rather than
 * forget one that could then be replayed; {@link #refusedWhenFull()} counts those. Size it for the peak proof rate
 * times twice the acceptance. Thread-safe; each call is a few hash-map operations under one lock.
 */
public final class InMemoryDpopReplayCache implements DpopReplayCache {
    private record Key(long high, long low) {}

    private final int maxEntries;
    private final Duration acceptance;
    private final Clock clock;
    private final LinkedHashMap<Key, Long> expiries = new LinkedHashMap<>();
    private final AtomicLong refusedWhenFull = new AtomicLong();
    private long lastFullScan = Long.MIN_VALUE;

    /**
     * @param acceptance how long after its {@code iat} a proof may still pass ({@link DpopProofChecker#acceptance()})
     */
    public InMemoryDpopReplayCache(int maxEntries, Duration acceptance, Clock clock) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be positive");
        }
        this.maxEntries = maxEntries;
        this.acceptance = acceptance;
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String jkt, String jti, Instant iat) {
        Key key = key(jkt, jti);
        long now = clock.instant().getEpochSecond();
        long expiry = iat.plus(acceptance).getEpochSecond();
        synchronized (expiries) {
            evictExpired(now);
            Long known = expiries.get(key);
            if (known != null && known >= now) {
                return false;
            }
            if (expiries.size() >= maxEntries) {
                refusedWhenFull.incrementAndGet();
                return false;
            }
            expiries.put(key, expiry);
            return true;
        }
    }

    /** Live entries now. */
    public int size() {
        synchronized (expiries) {
            return expiries.size();
        }
    }

    /** Proofs refused because the cache was full of live entries. */
    public long refusedWhenFull() {
        return refusedWhenFull.get();
    }

    /**
     * Drops expired entries from the oldest end. Entries arrive roughly in expiry order (iat is near now), so this
     * stops at the first live one; the whole map is scanned only when it is full.
     */
    private void evictExpired(long now) {
        Iterator<Map.Entry<Key, Long>> oldest = expiries.entrySet().iterator();
        while (oldest.hasNext()) {
            if (oldest.next().getValue() >= now) {
                break;
            }
            oldest.remove();
        }
        // A full scan at most once a second, so a full cache does not cost a scan per request.
        if (expiries.size() >= maxEntries && lastFullScan < now) {
            lastFullScan = now;
            expiries.values().removeIf(expiry -> expiry < now);
        }
    }

    private static Key key(String jkt, String jti) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
        sha256.update(jkt.getBytes(StandardCharsets.UTF_8));
        sha256.update((byte) 0);
        byte[] digest = sha256.digest(jti.getBytes(StandardCharsets.UTF_8));
        long high = 0;
        long low = 0;
        for (int i = 0; i < 8; i++) {
            high = (high << 8) | (digest[i] & 0xff);
            low = (low << 8) | (digest[8 + i] & 0xff);
        }
        return new Key(high, low);
    }
}
