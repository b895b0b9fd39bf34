package io.latchkey.auth.feed;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Blocks a test thread on a Future with a deadline: tests wait for conditions, never for time. */
final class Await {
    static final Duration DEADLINE = Duration.ofSeconds(20);

    private Await() {}

    static <T> T result(Future<T> future) {
        return result(future, DEADLINE);
    }

    static <T> T result(Future<T> future, Duration deadline) {
        try {
            return future.toCompletionStage().toCompletableFuture().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new AssertionError("not done within " + deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted");
        }
    }
}
