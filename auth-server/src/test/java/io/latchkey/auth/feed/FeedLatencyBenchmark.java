package io.latchkey.auth.feed;

import static io.latchkey.auth.test.BenchFigures.loadAverage;
import static io.latchkey.auth.test.BenchFigures.percentileMs;

import io.latchkey.auth.AuthServerMain;
import io.latchkey.auth.test.SseArrivals;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.Database;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures the revocation feed: with {@code subscribers} stream clients connected to one auth-server replica
 * (started by its {@code main} in its own JVM, so its heap holds only the server), appends {@code revocations}
 * entries through {@code revocation_append}, each in its own transaction, one every {@code spacingMs}; reports the
 * latency from the writer's commit acknowledgement to the event's arrival at each client (both read on this JVM's
 * clock), and the replica's heap per subscriber (read with {@code jcmd} after a full collection).
 *
 * <p>Run from the repository root: {@code ./mvnw -B -q -pl auth-server -am process-test-classes -Pfeed-benchmark
 * -Dspotless.check.skip=true}; add {@code -Dbench.subscribers=200 -Dbench.revocations=2000 -Dbench.spacingMs=5}
 * to change the defaults (120, 1000, 10). The first {@code warmup} (200) appends are left out of the figures.
 */
public final class FeedLatencyBenchmark {
    private static final double P99_CEILING_MS = 100;
    private static final long DEADLINE_SECONDS = 120;
    private static final Duration DEADLINE = Duration.ofSeconds(DEADLINE_SECONDS);
    /** A heap line of {@code jcmd GC.heap_info}, whatever the collector: "&lt;space&gt; total 123K, used 45K". */
    private static final Pattern HEAP_USED = Pattern.compile("^ \\S.* total \\d+K, used (\\d+)K");

    private final int subscribers = Integer.getInteger("subscribers", 120);
    private final int revocations = Integer.getInteger("revocations", 1_000);
    private final long spacingMs = Long.getLong("spacingMs", 10);
    /** Appended first, the same way, and left out of the figures: they warm up both JVMs' compilers. */
    private final int warmup = Integer.getInteger("warmup", 200);

    private final int total = warmup + Integer.getInteger("revocations", 1_000);
    private final Vertx vertx;
    private final Vertx writerVertx;
    private final Pool pool;
    private final int port;
    /** Per revocation index: when the writer saw its commit acknowledged, in nanoTime. */
    private final AtomicLongArray committedAt;
    /** Per revocation index: when the writer sent it, in nanoTime (an upper bound of the latency's start). */
    private final AtomicLongArray sentAt;
    /** Per subscriber, per revocation index: when the event arrived, in nanoTime; 0 until it does. */
    private final List<AtomicLongArray> receivedAt = new ArrayList<>();

    private final ServiceProcess server;
    private long base;

    private FeedLatencyBenchmark(Vertx vertx, Vertx writerVertx, Pool pool, ServiceProcess server, int port) {
        this.vertx = vertx;
        this.writerVertx = writerVertx;
        this.server = server;
        this.port = port;
        this.pool = pool;
        this.committedAt = new AtomicLongArray(total);
        this.sentAt = new AtomicLongArray(total);
    }

    public static void main(String[] args) throws Exception {
        PostgresExtension db = new PostgresExtension();
        db.beforeAll(null);
        Path dir = Files.createTempDirectory("feed-benchmark");
        int port = ServiceProcess.freePort();
        ServiceProcess server = ServiceProcess.main("auth-server", AuthServerMain.class.getName())
                .jvmOptions(List.of("-Xmx512m"))
                .serviceLogging()
                .env(TestAuthServer.env(db))
                .env("LATCHKEY_PORT", Integer.toString(port))
                .directory(dir)
                .log(dir.resolve("auth-server.log"))
                .start();
        Vertx vertx = Vertx.vertx();
        // The writer gets its own event loop, so the clients' work does not delay its commit acknowledgements.
        Vertx writerVertx = Vertx.vertx();
        Pool pool = Database.pool(writerVertx, db.settings(), 4);
        int status = 1;
        try {
            server.awaitReady(port, DEADLINE);
            new FeedLatencyBenchmark(vertx, writerVertx, pool, server, port).run();
            status = 0;
        } finally {
            server.terminate();
            if (!server.waitFor(Duration.ofSeconds(30))) {
                server.close();
            }
            vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            writerVertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            db.afterAll(null);
        }
        System.exit(status);
    }

    private void run() throws Exception {
        TestClients reader = TestClients.revocationReader("bench-reader").insert(pool);
        base = Await.result(TestRevocations.highestSeq(pool));
        long heapBefore = heap();

        HttpClient http =
                vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(subscribers + 10));
        CountDownLatch allReceived = new CountDownLatch(subscribers);
        List<Future<Void>> connected = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            AtomicLongArray arrivals = new AtomicLongArray(total);
            receivedAt.add(arrivals);
            connected.add(SseArrivals.follow(http, port, reader.basic(), base, arrivals, allReceived));
        }
        Await.result(Future.all(connected), DEADLINE);
        long heapSubscribed = heap();

        String loadBefore = loadAverage();
        long cpuBefore = serverCpuNanos();
        long started = System.nanoTime();
        writeAll();
        boolean complete = allReceived.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        double writeSeconds = (System.nanoTime() - started) / 1e9;
        double cpuSeconds = (serverCpuNanos() - cpuBefore) / 1e9;
        long heapAfter = heap();

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
        return server.process()
                .toHandle()
                .info()
                .totalCpuDuration()
                .map(java.time.Duration::toNanos)
                .orElse(0L);
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

    /** The replica's heap in use after a full collection, in bytes, as {@code jcmd} reports it. */
    private long heap() throws IOException, InterruptedException {
        jcmd("GC.run");
        long usedKib = 0;
        for (String line : jcmd("GC.heap_info")) {
            Matcher m = HEAP_USED.matcher(line);
            if (m.find()) {
                usedKib += Long.parseLong(m.group(1));
            }
        }
        return usedKib * 1024;
    }

    private List<String> jcmd(String command) throws IOException, InterruptedException {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        Process process = new ProcessBuilder(
                        jcmd, Long.toString(server.process().pid()), command)
                .redirectErrorStream(true)
                .start();
        List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)
                .lines()
                .toList();
        if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS) || process.exitValue() != 0) {
            throw new IllegalStateException("jcmd " + command + " failed: " + lines);
        }
        return lines;
    }
}
