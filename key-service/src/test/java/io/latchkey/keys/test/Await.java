package io.latchkey.keys.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Waits for a condition with a deadline, polling briefly: tests never sleep for a fixed time. */
public final class Await {
    private Await() {}

    /** Returns the milliseconds waited; fails when the condition is still false at the deadline. */
    public static long until(Duration deadline, String what, BooleanSupplier condition) {
        long start = System.nanoTime();
        long end = start + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("not within " + deadline.toMillis() + " ms: " + what);
            }
            // A polling pause of the test thread; the loop re-checks the condition until the deadline.
            java.util.concurrent.locks.LockSupport.parkNanos(20_000_000L);
        }
        return (System.nanoTime() - start) / 1_000_000;
    }
}
