package io.latchkey.auth.feed;

import io.latchkey.db.Database;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.sqlclient.Pool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Measures the revocation feed: with {@code subscribers} stream clients connected to one replica (running in its
 * own JVM, so its heap holds only the feed), appends {@code revocations} entries through
 * {@code revocation_append}, each in its own transaction, one every {@code spacingMs}; reports the latency from
 * the writer's commit acknowledgement to the event's arrival at each client (both read on this JVM's clock), and
 * the replica's heap per subscriber.
 *
 * <p>Run from the repository root: {@code ./mvnw -B -q -pl auth-server -am process-test-classes -Pfeed-benchmark
 * -Dspotless.check.skip=true}; add {@code -Dbench.subscribers=200 -Dbench.revocations=2000 -Dbench.spacingMs=5}
 * to change the defaults (120, 1000, 10). The first {@code warmup} (200) appends are left out of the figures.
 */
public final class FeedLatencyBenchmark {
    private static final double P99_CEILING_MS = 100;
    private static final long DEADLINE_SECONDS = 120;

    private final int subscribers = Integer.getInteger("subscribers", 120);
    private final int revocations = Integer.getInteger("revocations", 1_000);
    private final long spacingMs = Long.getLong("spacingMs", 10);
    /** Appended first, the same way, and left out of the figures: they warm up both JVMs' compilers. */
    private final int warmup = Integer.getInteger("warmup", 200);

    private final int total = warmup + Integer.getInteger("revocations", 1_000);
    private final Vertx vertx;
    private final Vertx writerVertx;
    private final Pool pool;
    private final BufferedReader serverOut;
    private final PrintWriter serverIn;
    /** Per revocation index: when the writer saw its commit acknowledged, in nanoTime. */
    private final AtomicLongArray committedAt;
    /** Per revocation index: when the writer sent it, in nanoTime (an upper bound of the latency's start). */
    private final AtomicLongArray sentAt;
    /** Per subscriber, per revocation index: when the event arrived, in nanoTime; 0 until it does. */
    private final List<AtomicLongArray> receivedAt = new ArrayList<>();

    private final Process server;
    private long base;

    private FeedLatencyBenchmark(Vertx vertx, Vertx writerVertx, Pool pool, Process server) {
        this.vertx = vertx;
        this.writerVertx = writerVertx;
        this.server = server;
        this.pool = pool;
        this.serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        this.serverIn = new PrintWriter(server.getOutputStream(), true, StandardCharsets.UTF_8);
        this.committedAt = new AtomicLongArray(total);
        this.sentAt = new AtomicLongArray(total);
    }

    public static void main(String[] args) throws Exception {
        DatabaseSettings database = TestPostgres.get().createDatabase();
        ProcessBuilder child = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx512m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        FeedBenchmarkServer.class.getName())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        child.environment().put("LATCHKEY_DB_URL", database.url());
        Process server = child.start();
        Vertx vertx = Vertx.vertx();
        // The writer gets its own event loop, so the clients' work does not delay its commit acknowledgements.
        Vertx writerVertx = Vertx.vertx();
        Pool pool = Database.pool(writerVertx, database, 4);
        int status = 1;
        try {
            new FeedLatencyBenchmark(vertx, writerVertx, pool, server).run();
            status = 0;
        } finally {
            server.destroyForcibly();
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            writerVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
        }
        System.exit(status);
    }

    private void run() throws Exception {
        int port = Integer.parseInt(expect("PORT"));
        TestFeedClients reader = await(TestFeedClients.reader("bench-reader").insert(pool));
        base = await(new PgRevocationRepository(pool).highestSeq());
        long heapBefore = heap();

        HttpClient http =
                vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(subscribers + 10));
        CountDownLatch allReceived = new CountDownLatch(subscribers);
        List<Future<Void>> connected = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            AtomicLongArray arrivals = new AtomicLongArray(total);
            receivedAt.add(arrivals);
            connected.add(subscribe(http, port, reader.basic(), arrivals, allReceived));
        }
        await(Future.all(connected));
        long heapSubscribed = heap();

        String loadBefore = loadAverage();
        long cpuBefore = serverCpuNanos();
        long started = System.nanoTime();
        writeAll();
        boolean complete = allReceived.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (serverCpuNanos() - cpuBefore) / 1e9;
        long heapAfter = heap();
        serverIn.println("quit");

        report(complete, writeSeconds, heapBefore, heapSubscribed, heapAfter);
        System.out.printf(
                Locale.ROOT,
                "  replica CPU during the run: %.2f s (%.0f%% of one core), %.1f us per delivered event%n",
                cpuSeconds,
                100 * cpuSeconds / writeSeconds,
                cpuSeconds * 1e6 / ((double) total * subscribers));
        System.out.println("  load average (1/5/15 min) before: " + loadBefore + ", after: " + loadAverage() + ", on "
                + Runtime.getRuntime().availableProcessors() + " cores");
    }

    private long serverCpuNanos() {
        return server.toHandle()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
    }

    private static String loadAverage() {
        try {
            String[] parts =
                    java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return parts[0] + " " + parts[1] + " " + parts[2];
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    /** One revocation every spacingMs, each its own transaction, without waiting for the previous one. */
    private void writeAll() throws Exception {
        CountDownLatch written = new CountDownLatch(total);
        AtomicInteger next = new AtomicInteger();
        long expiresAt = TestRevocations.now() + 3600;
        writerVertx.setPeriodic(spacingMs, timer -> {
            int index = next.getAndIncrement();
            if (index >= total) {
                writerVertx.cancelTimer(timer);
                return;
            }
            long sent = System.nanoTime();
            TestRevocations.append(pool, "jti", "bench-" + index, null, expiresAt)
                    .onSuccess(seq -> {
                        committedAt.set((int) (seq - base - 1), System.nanoTime());
                        sentAt.set((int) (seq - base - 1), sent);
                        written.countDown();
                    })
                    .onFailure(e -> {
                        System.err.println("append failed: " + e);
                        written.countDown();
                    });
        });
        if (!written.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the writer did not finish");
        }
    }

    private Future<Void> subscribe(
            HttpClient http, int port, String authorization, AtomicLongArray arrivals, CountDownLatch allReceived) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/revocations/stream")
                .putHeader("Authorization", authorization)
                .putHeader("Last-Event-ID", Long.toString(base));
        int[] received = {0};
        SseIds ids = new SseIds();
        return http.request(options).compose(request -> request.send()).compose(response -> {
            if (response.statusCode() != 200) {
                return Future.failedFuture("stream answered " + response.statusCode());
            }
            response.handler(chunk -> {
                long now = System.nanoTime();
                ids.scan(chunk, seq -> {
                    int index = (int) (seq - base - 1);
                    if (index >= 0 && index < total && arrivals.compareAndSet(index, 0, now)) {
                        if (++received[0] == total) {
                            allReceived.countDown();
                        }
                    }
                });
            });
            return Future.succeededFuture();
        });
    }

    private void report(boolean complete, double writeSeconds, long heapBefore, long heapSubscribed, long heapAfter) {
        long[] latencies = new long[subscribers * revocations];
        long[] fromSent = new long[subscribers * revocations];
        int n = 0;
        int missing = 0;
        for (AtomicLongArray arrivals : receivedAt) {
            for (int i = warmup; i < total; i++) {
                if (arrivals.get(i) == 0 || committedAt.get(i) == 0) {
                    missing++;
                } else {
                    fromSent[n] = arrivals.get(i) - sentAt.get(i);
                    latencies[n++] = arrivals.get(i) - committedAt.get(i);
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        double p50 = percentileMs(sorted, 0.50);
        double p99 = percentileMs(sorted, 0.99);
        double max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
        long early = Arrays.stream(sorted).filter(l -> l < 0).count();
        long[] sortedFromSent = Arrays.copyOf(fromSent, n);
        Arrays.sort(sortedFromSent);
        long[] roundTrips = new long[revocations];
        for (int i = warmup; i < total; i++) {
            roundTrips[i - warmup] = committedAt.get(i) - sentAt.get(i);
        }
        Arrays.sort(roundTrips);
        double perSubscriber = (heapSubscribed - heapBefore) / (double) subscribers;
        System.out.printf(
                Locale.ROOT,
                "revocation feed benchmark: %d subscribers, %d revocations measured after %d for warm-up,"
                        + " one every %d ms (%.1f s)%n",
                subscribers,
                revocations,
                warmup,
                spacingMs,
                writeSeconds);
        System.out.printf(
                Locale.ROOT, "  events delivered: %d of %d%s%n", n, n + missing, complete ? "" : " (INCOMPLETE)");
        System.out.printf(
                Locale.ROOT,
                "  commit-to-event latency: p50 %.2f ms (%.3f of the %.0f ms ceiling), p99 %.2f ms (%.3f of it), max %.2f ms%n",
                p50,
                p50 / P99_CEILING_MS,
                P99_CEILING_MS,
                p99,
                p99 / P99_CEILING_MS,
                max);
        System.out.printf(Locale.ROOT, "  events that arrived before the writer saw its commit ack: %d%n", early);
        System.out.printf(
                Locale.ROOT,
                "  send-to-event latency (upper bound, includes the append's round trip): p50 %.2f ms, p99 %.2f ms%n",
                percentileMs(sortedFromSent, 0.50),
                percentileMs(sortedFromSent, 0.99));
        System.out.printf(
                Locale.ROOT,
                "  append round trip (send to commit ack, the database under the same load): p50 %.2f ms, p99 %.2f ms%n",
                percentileMs(roundTrips, 0.50),
                percentileMs(roundTrips, 0.99));
        System.out.printf(
                Locale.ROOT,
                "  replica heap after GC: %.1f MiB idle, %.1f MiB with subscribers, %.1f MiB after the run%n",
                heapBefore / 1048576.0,
                heapSubscribed / 1048576.0,
                heapAfter / 1048576.0);
        System.out.printf(Locale.ROOT, "  heap per subscriber: %.1f KiB%n", perSubscriber / 1024);
        int blocks = 10;
        StringBuilder trend = new StringBuilder("  p50 by tenth of the run (ms):");
        for (int b = 0; b < blocks; b++) {
            List<Long> block = new ArrayList<>();
            for (AtomicLongArray arrivals : receivedAt) {
                for (int i = warmup + b * revocations / blocks; i < warmup + (b + 1) * revocations / blocks; i++) {
                    if (arrivals.get(i) != 0 && committedAt.get(i) != 0) {
                        block.add(arrivals.get(i) - committedAt.get(i));
                    }
                }
            }
            long[] sortedBlock =
                    block.stream().mapToLong(Long::longValue).sorted().toArray();
            trend.append(String.format(Locale.ROOT, " %.1f", percentileMs(sortedBlock, 0.5)));
        }
        System.out.println(trend);
    }

    private static double percentileMs(long[] sorted, double q) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sorted.length) - 1;
        return sorted[Math.max(0, index)] / 1e6;
    }

    private long heap() throws Exception {
        serverIn.println("heap");
        return Long.parseLong(expect("HEAP"));
    }

    /** Reads the child's stdout up to the line {@code <word> <value>}, returning the value. */
    private String expect(String word) throws Exception {
        String line;
        while ((line = serverOut.readLine()) != null) {
            if (line.startsWith(word + " ")) {
                return line.substring(word.length() + 1).trim();
            }
        }
        throw new IllegalStateException("the feed server ended before printing " + word);
    }

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(DEADLINE_SECONDS, TimeUnit.SECONDS);
    }
}
