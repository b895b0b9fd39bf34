package io.latchkey.verifier.revocation;

import java.util.function.LongUnaryOperator;

/**
 * How long the revocation feed waits before each reconnect: the first {@link #FAST_TRIES} tries come quickly
 * ({@value #FAST_MIN_MS}-{@value #FAST_MAX_MS} ms apart), so a stream cut by an auth-server restart is back within
 * a few hundred milliseconds of the server being ready, and a logout made right after it reaches the verifier
 * within a second. After them the delay doubles up to {@value #LONGEST_MS} ms, each delay drawn at random between
 * half and all of its step (jitter), so verifiers that lost the same server do not all return in step.
 * {@link #reset()} once the stream speaks again.
 */
public final class ReconnectDelays {
    public static final int FAST_TRIES = 10;
    public static final long FAST_MIN_MS = 50;
    public static final long FAST_MAX_MS = 100;
    public static final long LONGEST_MS = 750;

    /** {@code bound -> a value in [0, bound)}: the randomness, injectable so tests can pin it. */
    private final LongUnaryOperator random;

    private int tries;

    public ReconnectDelays(LongUnaryOperator random) {
        this.random = random;
    }

    public ReconnectDelays() {
        this(bound -> java.util.concurrent.ThreadLocalRandom.current().nextLong(bound));
    }

    /** The delay before the next try. */
    public long next() {
        int attempt = tries++;
        if (attempt < FAST_TRIES) {
            return FAST_MIN_MS + random.applyAsLong(FAST_MAX_MS - FAST_MIN_MS + 1);
        }
        int doublings = Math.min(attempt - FAST_TRIES + 1, 8);
        long step = Math.min(LONGEST_MS, FAST_MAX_MS << doublings);
        long half = step / 2;
        return half + random.applyAsLong(step - half + 1);
    }

    /** How many tries since the last {@link #reset()}. */
    public int tries() {
        return tries;
    }

    /** The stream works again: the next outage starts with fast tries. */
    public void reset() {
        tries = 0;
    }
}
