package io.latchkey.demo.web;

import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code jti}s of logout tokens already acted on, each kept until its token could no longer pass the {@code exp}
 * check anyway ({@code exp} plus the leeway), so the cache is bounded by time as well as by {@code capacity}. Only
 * tokens that passed every other check are recorded, so strangers cannot fill it. Safe to use from every event loop.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#Validation">Back-Channel Logout 1.0 §2.6 (10)</a>
 */
public final class SeenTokenIds {
    private final ConcurrentHashMap<String, Long> seen = new ConcurrentHashMap<>(); // jti digest -> forget at
    private final Clock clock;
    private final int capacity;

    public SeenTokenIds(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** What {@link #record} found. */
    public enum Use {
        /** Not seen before; now recorded. */
        FIRST,
        /** Seen before, and its token has not yet expired: a replay. */
        REPLAYED,
        /** The cache is full of live entries; nothing recorded (the sender tries again later). */
        FULL
    }

    /** Records {@code jti} of a token expiring at {@code expiresAt} (epoch seconds). */
    public Use record(String jti, long expiresAt) {
        if (seen.size() >= capacity) {
            prune();
            if (seen.size() >= capacity) {
                return Use.FULL;
            }
        }
        String key = RandomValues.sha256(jti);
        long forgetAt = expiresAt + JwtClaims.LEEWAY.toSeconds();
        Long previous = seen.putIfAbsent(key, forgetAt);
        if (previous == null || (previous <= now() && seen.replace(key, previous, forgetAt))) {
            return Use.FIRST;
        }
        return Use.REPLAYED;
    }

    /** Drops entries whose tokens have expired; the verticle calls this periodically. */
    public void prune() {
        long now = now();
        seen.values().removeIf(forgetAt -> forgetAt <= now);
    }

    public int size() {
        return seen.size();
    }

    private long now() {
        return clock.millis() / 1000;
    }
}
