package io.latchkey.auth.feed;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import java.time.Duration;

/**
 * How the revocation feed paces itself.
 *
 * @param heartbeatInterval how often each stream gets a comment while the feed is healthy (at most 15 s)
 * @param catchUpInterval how often the feed re-reads new entries and pings its LISTEN connection even without
 *     a notification: the safety net for a lost notification or a silently dead connection
 * @param pruneInterval how often this replica deletes entries expired for more than {@link #PRUNE_GRACE}
 * @param maxPendingEntries how many live entries a stream may owe before it is closed as too slow (it resumes
 *     with {@code Last-Event-ID})
 * @param writeBacklogBytes ({@value #BACKLOG_VARIABLE}) how many bytes a stream may have unsent beyond its initial
 *     entries before it is closed as too slow: half queued at its connection, half held by the feed while that queue
 *     reads as full
 */
public record FeedSettings(
        Duration heartbeatInterval,
        Duration catchUpInterval,
        Duration pruneInterval,
        int maxPendingEntries,
        int writeBacklogBytes) {

    /** The server deletes an entry this long after its {@code expires_at}; verifiers drop it at {@code expires_at}. */
    public static final Duration PRUNE_GRACE = Duration.ofMinutes(5);

    public static final String HEARTBEAT_VARIABLE = "LATCHKEY_FEED_HEARTBEAT_INTERVAL";
    public static final String CATCH_UP_VARIABLE = "LATCHKEY_FEED_CATCH_UP_INTERVAL";
    public static final String PRUNE_VARIABLE = "LATCHKEY_FEED_PRUNE_INTERVAL";
    public static final String BACKLOG_VARIABLE = "LATCHKEY_FEED_STREAM_BACKLOG_BYTES";

    /** Below this a stream could not hold one batch of long entries; above it 1,000 slow streams cost gigabytes. */
    private static final int MIN_BACKLOG_BYTES = 16 * 1024;

    private static final int MAX_BACKLOG_BYTES = 16 * 1024 * 1024;

    private static final Duration MAX_HEARTBEAT = Duration.ofSeconds(15);

    public FeedSettings {
        if (heartbeatInterval.compareTo(MAX_HEARTBEAT) > 0) {
            throw new ConfigException(
                    HEARTBEAT_VARIABLE,
                    "must be at most 15 s: subscribers count on a heartbeat at least every 15 s to tell a quiet stream from a"
                            + " dead one");
        }
    }

    public static FeedSettings defaults() {
        return new FeedSettings(
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofMinutes(1), 10_000, 256 * 1024);
    }

    /** Reads the optional overrides; every one has a default. */
    public static FeedSettings from(Env env) {
        FeedSettings defaults = defaults();
        return new FeedSettings(
                env.duration(HEARTBEAT_VARIABLE, defaults.heartbeatInterval()),
                env.duration(CATCH_UP_VARIABLE, defaults.catchUpInterval()),
                env.duration(PRUNE_VARIABLE, defaults.pruneInterval()),
                defaults.maxPendingEntries(),
                env.integer(BACKLOG_VARIABLE, defaults.writeBacklogBytes(), MIN_BACKLOG_BYTES, MAX_BACKLOG_BYTES));
    }

    public FeedSettings withHeartbeatInterval(Duration interval) {
        return new FeedSettings(interval, catchUpInterval, pruneInterval, maxPendingEntries, writeBacklogBytes);
    }

    public FeedSettings withCatchUpInterval(Duration interval) {
        return new FeedSettings(heartbeatInterval, interval, pruneInterval, maxPendingEntries, writeBacklogBytes);
    }

    public FeedSettings withWriteBacklogBytes(int bytes) {
        return new FeedSettings(heartbeatInterval, catchUpInterval, pruneInterval, maxPendingEntries, bytes);
    }
}
