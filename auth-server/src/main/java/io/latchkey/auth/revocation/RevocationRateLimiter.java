package io.latchkey.auth.revocation;

import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * At most {@code perSecond} revocation requests per second per client, with bursts up to the same number: a
 * token bucket per client id, kept in this replica's memory, so N replicas admit up to N times the rate. Keys
 * are authenticated client ids, so the map is bounded by the number of registered clients.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.2.1">RFC 7009 §2.2.1</a>
 */
public final class RevocationRateLimiter {
    private final int perSecond;
    private final LongSupplier nanos;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

    public RevocationRateLimiter(int perSecond, LongSupplier nanos) {
        if (perSecond < 1) {
            throw new IllegalArgumentException("perSecond must be at least 1");
        }
        this.perSecond = perSecond;
        this.nanos = nanos;
    }

    /** Takes one token for {@code clientId}: empty when admitted, else the whole seconds to wait. */
    public OptionalLong acquire(String clientId) {
        return buckets.computeIfAbsent(clientId, id -> new Bucket(perSecond, nanos.getAsLong()))
                .take(perSecond, nanos.getAsLong());
    }

    /** Tokens are kept as nanoseconds of credit, so refilling needs no floating point. */
    private static final class Bucket {
        private static final long SECOND = 1_000_000_000L;
        private long tokensTimesSecond;
        private long updatedAt;

        Bucket(int capacity, long now) {
            this.tokensTimesSecond = capacity * SECOND;
            this.updatedAt = now;
        }

        synchronized OptionalLong take(int perSecond, long now) {
            long capacity = perSecond * SECOND;
            long elapsed = Math.max(0, now - updatedAt);
            updatedAt = Math.max(updatedAt, now);
            // elapsed * perSecond could overflow only after ~292 years / perSecond; cap elapsed at one second.
            tokensTimesSecond = Math.min(capacity, tokensTimesSecond + Math.min(elapsed, SECOND) * perSecond);
            if (tokensTimesSecond >= SECOND) {
                tokensTimesSecond -= SECOND;
                return OptionalLong.empty();
            }
            long missing = SECOND - tokensTimesSecond;
            long waitNanos = (missing + perSecond - 1) / perSecond;
            return OptionalLong.of(Math.max(1, (waitNanos + SECOND - 1) / SECOND));
        }
    }
}
