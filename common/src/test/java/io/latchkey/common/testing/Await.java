package io.latchkey.common.testing;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/** Waits for a condition or a future with a deadline, never a fixed sleep. */
public final class Await {
    private Await() {}

    public static <T> T result(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    public static Throwable failure(Future<?> future) throws Exception {
        return result(future.transform(ar -> ar.failed()
                ? Future.succeededFuture(ar.cause())
                : Future.failedFuture(new AssertionError("expected a failure, got " + ar.result()))));
    }

    public static void until(String what, Duration deadline, BooleanSupplier condition) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            // A short park between polls; the deadline, not the pause, bounds the wait.
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }
}
