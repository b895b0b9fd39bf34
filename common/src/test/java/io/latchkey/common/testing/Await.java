package io.latchkey.common.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The one way tests wait: for a future or a condition, always with a deadline, never with a sleep of fixed length.
 * Every method takes what it waits for last, and a condition's description first, so a failure says what did not
 * happen.
 */
public final class Await {
    /** Long enough for a cold JVM on 2 busy cores; a test that needs less waits for less. */
    public static final Duration DEFAULT = Duration.ofSeconds(60);

    private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

    private Await() {}

    /** The future's result; an {@link AssertionError} when it fails or is not done within {@link #DEFAULT}. */
    public static <T> T result(Future<T> future) {
        return result(future, DEFAULT);
    }

    public static <T> T result(Future<T> future, Duration deadline) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new AssertionError("not done within " + deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** The future's failure; an {@link AssertionError} when it succeeds or is not done within {@link #DEFAULT}. */
    public static Throwable failure(Future<?> future) {
        return result(future.transform(ar -> ar.failed()
                ? Future.succeededFuture(ar.cause())
                : Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))));
    }

    /** Polls {@code condition} until it holds; returns how long that took, fails at {@code deadline}. */
    public static Duration until(String what, Duration deadline, BooleanSupplier condition) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + what);
            }
            pause();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** Polls {@code probe} until it returns {@code expected}; returns how long that took. */
    public static <T> Duration untilEquals(String what, Duration deadline, T expected, Supplier<T> probe) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        T last = probe.get();
        while (!expected.equals(last)) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + what + "; last seen " + last);
            }
            pause();
            last = probe.get();
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    // A polling interval between checks; the deadline, not the pause, bounds the wait.
    private static void pause() {
        LockSupport.parkNanos(POLL_NANOS);
        if (Thread.interrupted()) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting");
        }
    }
}
