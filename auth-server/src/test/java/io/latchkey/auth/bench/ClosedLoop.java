package io.latchkey.auth.bench;

import io.latchkey.auth.test.BenchFigures;
import io.latchkey.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Scripted clients in a closed loop, as {@code wrk} runs its connections: {@code lanes} of them, each starting its
 * next iteration as soon as its last one ended, all on one event-loop context. Only the steady state counts: an
 * iteration counts when its last answer arrives inside a window that opens after a ramp-up, so neither the first
 * iterations, which all start at once, nor those the window's end cuts off bias the rate (with logins of a second
 * each, they would cost a tenth of a ten-second run). Every unexpected answer counts as a failure whenever it
 * happens, with what it was; a run with any failure is no figure.
 */
final class ClosedLoop {
    private final Context context;
    private final int lanes;

    /** One iteration of a lane; its future completes with the iteration's last expected answer. */
    interface Iteration {
        Future<?> run(int lane, Steps steps);
    }

    /** An answer that is not what the script expected; its message says which step and what came back. */
    static final class Unexpected extends RuntimeException {
        Unexpected(String message) {
            super(message, null, false, false);
        }
    }

    ClosedLoop(Context context, int lanes) {
        this.context = context;
        this.lanes = lanes;
    }

    /** One run: the ramp, the window, then every lane's iteration in flight finishing. */
    Result run(int rampSeconds, int seconds, Iteration iteration) {
        long windowStart = System.nanoTime() + rampSeconds * 1_000_000_000L;
        Steps steps = new Steps(windowStart, windowStart + seconds * 1_000_000_000L);
        Promise<Void> done = Promise.promise();
        int[] running = {lanes};
        context.runOnContext(v -> {
            context.owner().setTimer(untilMs(windowStart), id -> steps.cpuAtStart = BenchFigures.processCpuNanos());
            context.owner().setTimer(untilMs(steps.windowEnd), id -> steps.windowEnded());
            for (int lane = 0; lane < lanes; lane++) {
                next(lane, steps, iteration, () -> {
                    if (--running[0] == 0) {
                        done.complete();
                    }
                });
            }
        });
        Await.result(done.future(), Duration.ofSeconds(rampSeconds + seconds + 120L));
        return steps.result(seconds);
    }

    private static long untilMs(long nanoTime) {
        return Math.max(1, (nanoTime - System.nanoTime()) / 1_000_000);
    }

    private void next(int lane, Steps steps, Iteration iteration, Runnable laneDone) {
        if (System.nanoTime() >= steps.windowEnd) {
            steps.windowEnded();
            laneDone.run();
            return;
        }
        Future.succeededFuture().compose(v -> iteration.run(lane, steps)).onComplete(ar -> {
            if (ar.succeeded()) {
                steps.completed();
            } else {
                steps.failed(ar.cause());
            }
            // From the context's queue, so an iteration that fails at once cannot recurse without end.
            context.runOnContext(v -> next(lane, steps, iteration, laneDone));
        });
    }

    /**
     * A run's figures: iterations per second of the window, what failed, each step's latencies (sorted, in
     * nanoseconds) and the CPU time this JVM used during the window.
     */
    record Result(
            double perSecond,
            long completed,
            Map<String, Long> failures,
            Map<String, long[]> latencies,
            double cpuSeconds,
            int seconds) {
        long failureCount() {
            return failures.values().stream().mapToLong(Long::longValue).sum();
        }

        /** Iterations per CPU-second of this JVM: how much work each one cost, however busy the machine was. */
        double perCpuSecond() {
            return completed / cpuSeconds;
        }

        /** Cores' worth of CPU this JVM had during the window. */
        double coresUsed() {
            return cpuSeconds / seconds;
        }
    }

    /**
     * What a run records, from its one context: the iterations completed and the latency of each named step that
     * ended inside the window, and every failure.
     */
    static final class Steps {
        private final long windowStart;
        private final long windowEnd;
        private final Map<String, long[]> latencies = new LinkedHashMap<>();
        private final Map<String, Integer> counts = new LinkedHashMap<>();
        private final Map<String, Long> failures = new TreeMap<>();
        private long completed;
        private long cpuAtStart;
        private long cpuAtEnd;

        private Steps(long windowStart, long windowEnd) {
            this.windowStart = windowStart;
            this.windowEnd = windowEnd;
        }

        /** Steps outside any run (a set-up): nothing is timed or counted, a wrong answer still fails. */
        static Steps untimed() {
            return new Steps(Long.MAX_VALUE, Long.MAX_VALUE);
        }

        /** Sends a step's request, times it, and expects {@code status}; anything else fails the iteration. */
        Future<HttpResponse<Buffer>> expect(String step, int status, Supplier<Future<HttpResponse<Buffer>>> send) {
            long start = System.nanoTime();
            return send.get().compose(response -> {
                record(step, start);
                if (response.statusCode() != status) {
                    return Future.failedFuture(new Unexpected(step + " answered " + response.statusCode()));
                }
                return Future.succeededFuture(response);
            });
        }

        /** The CPU clock at the window's end: read by the timer, or by the first lane to see the end if earlier. */
        private void windowEnded() {
            if (cpuAtEnd == 0) {
                cpuAtEnd = BenchFigures.processCpuNanos();
            }
        }

        private boolean inWindow(long now) {
            return now >= windowStart && now < windowEnd;
        }

        private void record(String step, long start) {
            long now = System.nanoTime();
            if (!inWindow(now)) {
                return;
            }
            int n = counts.getOrDefault(step, 0);
            long[] values = latencies.computeIfAbsent(step, s -> new long[1024]);
            if (n == values.length) {
                values = Arrays.copyOf(values, n * 2);
                latencies.put(step, values);
            }
            values[n] = now - start;
            counts.put(step, n + 1);
        }

        private void completed() {
            if (inWindow(System.nanoTime())) {
                completed++;
            }
        }

        private void failed(Throwable cause) {
            String what = cause instanceof Unexpected
                    ? cause.getMessage()
                    : cause.getClass().getSimpleName() + ": " + cause.getMessage();
            failures.merge(what, 1L, Long::sum);
        }

        private Result result(int seconds) {
            Map<String, long[]> sorted = new LinkedHashMap<>();
            latencies.forEach((step, values) -> {
                long[] used = Arrays.copyOf(values, counts.get(step));
                Arrays.sort(used);
                sorted.put(step, used);
            });
            return new Result(
                    (double) completed / seconds,
                    completed,
                    new TreeMap<>(failures),
                    sorted,
                    (cpuAtEnd - cpuAtStart) / 1e9,
                    seconds);
        }
    }
}
