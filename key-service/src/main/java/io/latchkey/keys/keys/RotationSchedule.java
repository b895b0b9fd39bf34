package io.latchkey.keys.keys;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When signing keys rotate: each key signs for {@code rotation}, and its successor is published {@link #lead()}
 * before that, so every replica lists it for the whole {@code publishAhead} before any replica signs with it. The
 * one place that decides whether the next key is due: each replica's tick asks it with its last read of the keys,
 * and the repository asks it again under the generation lock with the stored ones, so only one replica stores it.
 */
public record RotationSchedule(Duration rotation, Duration publishAhead) {
    /**
     * Added to publish-ahead before a new key signs: every replica refreshes within 900 ms (more under heavy
     * load), so each has the key in its JWKS for the whole publish-ahead before any replica signs with it.
     */
    static final Duration REPLICA_PROPAGATION = Duration.ofSeconds(2);

    private static final Duration LEAST_CHECK = Duration.ofMillis(200);
    private static final Duration MOST_CHECK = Duration.ofSeconds(10);

    /** How long a new key is published before it signs: publish-ahead plus the replicas' propagation. */
    public Duration lead() {
        return publishAhead.plus(REPLICA_PROPAGATION);
    }

    /**
     * Whether a new key is due at {@code now}: none is stored ({@code newestActivation} empty), or the newest
     * unrevoked key activated at least {@code rotation - lead} ago.
     */
    public boolean due(Optional<Instant> newestActivation, Instant now) {
        return newestActivation
                .map(newest -> !now.isBefore(newest.plus(rotation).minus(lead())))
                .orElse(true);
    }

    /** How often each replica asks whether a key is due: a tenth of publish-ahead, from 0.2 s to 10 s. */
    public Duration checkInterval() {
        Duration tenth = publishAhead.dividedBy(10);
        return tenth.compareTo(LEAST_CHECK) < 0 ? LEAST_CHECK : tenth.compareTo(MOST_CHECK) > 0 ? MOST_CHECK : tenth;
    }
}
