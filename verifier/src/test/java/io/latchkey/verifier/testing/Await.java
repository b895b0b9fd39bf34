package io.latchkey.verifier.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a future or a condition, with a deadline instead of a fixed sleep. */
public final class Await {
    private static final Duration DEFAULT = Duration.ofSeconds(10);

    private Await() {}

    public static <T> T result(Future<T> future) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(DEFAULT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            throw new AssertionError("future did not succeed in time", e);
        }
    }

    /** Polls {@code condition} until it holds or {@code deadline} passes. */
    public static void until(String what, Duration deadline, BooleanSupplier condition) {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what);
            }
            pause();
        }
    }

    /** Polls {@code probe} until it returns {@code expected}; returns how long that took. */
    public static <T> Duration untilEquals(String what, Duration deadline, T expected, Supplier<T> probe) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        T last = probe.get();
        while (!expected.equals(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline + ": " + what + "; last seen " + last);
            }
            pause();
            last = probe.get();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    private static void pause() {
        try {
            // A polling interval, not a wait for something to happen: the deadline above bounds the wait.
            TimeUnit.MILLISECONDS.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }
}
