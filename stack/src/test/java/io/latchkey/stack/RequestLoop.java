package io.latchkey.stack;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Runs one iteration (a few requests and their checks) over and over on a thread of its own while a test does
 * something disruptive, recording when each iteration started and ended and what went wrong, if anything. It
 * stops when asked or at its own deadline, whichever comes first: never an unbounded loop.
 */
final class RequestLoop implements AutoCloseable {
    /** One pass; returns null when every check held, else what went wrong. */
    @FunctionalInterface
    interface Iteration {
        String run(int index) throws Exception;
    }

    /** An iteration's record; {@code failure} is null for a pass. */
    record Outcome(int index, long startNanos, long endNanos, String failure) {
        boolean passed() {
            return failure == null;
        }
    }

    private final List<Outcome> outcomes = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    private RequestLoop(String name, Iteration iteration, Duration limit) {
        long end = System.nanoTime() + limit.toNanos();
        this.thread = new Thread(
                () -> {
                    for (int i = 0; !stopping && System.nanoTime() < end; i++) {
                        long start = System.nanoTime();
                        String failure;
                        try {
                            failure = iteration.run(i);
                        } catch (InterruptedException e) {
                            return;
                        } catch (Exception e) {
                            failure = e.getClass().getSimpleName() + ": " + e.getMessage();
                        }
                        record(new Outcome(i, start, System.nanoTime(), failure));
                    }
                },
                name);
        thread.setDaemon(true);
    }

    static RequestLoop start(String name, Duration limit, Iteration iteration) {
        RequestLoop loop = new RequestLoop(name, iteration, limit);
        loop.thread.start();
        return loop;
    }

    /** Waits until {@code condition} holds over the outcomes so far, or fails at the deadline. */
    void awaitOutcomes(Predicate<List<Outcome>> condition, Duration deadline, String what) throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        synchronized (outcomes) {
            while (!condition.test(outcomes)) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError("not within " + deadline + ": " + what + "; outcomes " + outcomes);
                }
                if (!thread.isAlive()) {
                    throw new AssertionError("the loop ended before " + what + "; outcomes " + outcomes);
                }
                // Woken by every new outcome; the bound only lets a dead loop be noticed.
                TimeUnit.NANOSECONDS.timedWait(outcomes, Math.min(left, TimeUnit.MILLISECONDS.toNanos(500)));
            }
        }
    }

    /** Stops after the iteration in progress and returns every outcome. */
    List<Outcome> stop() throws InterruptedException {
        stopping = true;
        thread.join(TimeUnit.SECONDS.toMillis(30));
        synchronized (outcomes) {
            return List.copyOf(outcomes);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.interrupt();
        thread.join(TimeUnit.SECONDS.toMillis(10));
    }

    private void record(Outcome outcome) {
        synchronized (outcomes) {
            outcomes.add(outcome);
            outcomes.notifyAll();
        }
    }
}
