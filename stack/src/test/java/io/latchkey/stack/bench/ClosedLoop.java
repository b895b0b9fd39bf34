package io.latchkey.stack.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * A closed-loop load of ours for requests wrk cannot replay: one thread per chain, each step taking the state the
 * previous one returned (a refresh token is single-use, so each chain carries its own). A warm-up, then a measured
 * run of fixed length: bounded, never an open loop. A step that returns null ends its chain and counts as failed.
 */
final class ClosedLoop {
    @FunctionalInterface
    interface Step {
        String next(String state) throws Exception;
    }

    private final double rate;
    private final long failures;
    private final List<Long> micros;

    private ClosedLoop(double rate, long failures, List<Long> micros) {
        this.rate = rate;
        this.failures = failures;
        this.micros = micros;
    }

    static ClosedLoop run(List<String> initialStates, int warmupSeconds, int seconds, Step step)
            throws InterruptedException {
        long measureFrom = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
        long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
        LongAdder done = new LongAdder();
        LongAdder failed = new LongAdder();
        List<Long> micros = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (String initial : initialStates) {
            Thread thread = new Thread(() -> {
                String state = initial;
                while (state != null && System.nanoTime() < end) {
                    long start = System.nanoTime();
                    try {
                        state = step.next(state);
                    } catch (Exception e) {
                        state = null;
                    }
                    long now = System.nanoTime();
                    if (start >= measureFrom && now <= end) {
                        if (state == null) {
                            failed.increment();
                        } else {
                            done.increment();
                            micros.add(TimeUnit.NANOSECONDS.toMicros(now - start));
                        }
                    }
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        List<Long> sorted = new ArrayList<>(micros);
        Collections.sort(sorted);
        return new ClosedLoop(done.sum() / (double) seconds, failed.sum(), sorted);
    }

    double rate() {
        return rate;
    }

    long failures() {
        return failures;
    }

    String p50() {
        return percentile(0.50);
    }

    String p99() {
        return percentile(0.99);
    }

    private String percentile(double q) {
        if (micros.isEmpty()) {
            return "n/a";
        }
        long value = micros.get(Math.min(micros.size() - 1, (int) Math.ceil(micros.size() * q) - 1));
        return String.format(Locale.ROOT, "%.2fms", value / 1000.0);
    }
}
