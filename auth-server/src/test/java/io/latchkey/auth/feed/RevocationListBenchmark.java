package io.latchkey.auth.feed;

import io.latchkey.auth.AuthServerMain;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.Database;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.verifier.revocation.RevocationFeed;
import io.latchkey.verifier.revocation.RevocationList;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * auth-server's own side of a large revocation list: {@code entries} (1,000,000) live {@code sid} entries bulk-inserted
 * into {@code revocations}, auth-server started by its {@code main} in a JVM of its own with the container's memory
 * flags ({@code docker/latchkey}: serial collector, {@code -Xmx86m}, the heap docker-compose's two Argon2 threads
 * give), then a) {@code GET /revocations} read to the last byte by a plain client, b) a fresh verifier
 * ({@code verifier}'s {@code RevocationFeed}, as {@code RevocationLoadBenchmark} runs it) loading the list from it.
 * Reports the time to the last byte, the verifier's time to ready and list heap (used heap after full collections,
 * less the same before), and for auth-server, during each, its peak resident memory (sampled every 20 ms) and its
 * heap from its GC log (the highest occupancy before and after a collection).
 *
 * <p>Run from the repository root: {@code ./mvnw -B -q -o -pl auth-server -am process-test-classes
 * -Prevocation-list-benchmark -Dspotless.check.skip=true}; {@code -Dbench.entries=<n>}, {@code -Dbench.serverXmx=86m}.
 * {@code -Dbench.serverClasses=<dir>} puts a directory of compiled auth-server classes (another revision's) ahead
 * of this one's in the server's class path: the before/after comparison.
 */
public final class RevocationListBenchmark {
    private static final Duration DEADLINE = Duration.ofMinutes(5);
    /** Serial collector lines: "... GC(3) Pause Young (Allocation Failure) 40M->12M(86M) 5.123ms". */
    private static final Pattern GC = Pattern.compile("\\[(\\d+\\.\\d+)s].* (\\d+)M->(\\d+)M\\((\\d+)M\\)");

    private final int entries = Integer.getInteger("entries", 1_000_000);
    private final String serverXmx = System.getProperty("serverXmx", "86m");
    private final String serverClasses = System.getProperty("serverClasses", "");

    public static void main(String[] args) throws Exception {
        int status = 1;
        try {
            new RevocationListBenchmark().run();
            status = 0;
        } finally {
            System.exit(status);
        }
    }

    private void run() throws Exception {
        PostgresExtension db = new PostgresExtension();
        db.beforeAll(null);
        Path dir = Files.createTempDirectory("revocation-list-benchmark");
        Vertx vertx = Vertx.vertx();
        Pool pool = Database.pool(vertx, db.settings(), 2);
        ServiceProcess server = null;
        try {
            TestClients reader =
                    TestClients.revocationReader("list-bench-reader").insert(pool);
            long inserted = System.nanoTime();
            insert(pool);
            System.out.printf(
                    Locale.ROOT, "inserted %,d entries in %.1f s%n", entries, (System.nanoTime() - inserted) / 1e9);

            int port = ServiceProcess.freePort();
            Path gcLog = dir.resolve("gc.log");
            if (!serverClasses.isBlank()) {
                // ServiceProcess runs the main class with this JVM's test class path: the other classes go first.
                System.setProperty(
                        "surefire.test.class.path",
                        serverClasses + java.io.File.pathSeparator + ServiceProcess.testClassPath());
            }
            server = ServiceProcess.main("auth-server", AuthServerMain.class.getName())
                    .jvmOptions(List.of(
                            "-XX:+UseSerialGC",
                            "-Xmx" + serverXmx,
                            "-Xms16m",
                            "-Xss512k",
                            "-XX:MaxDirectMemorySize=64m",
                            "-XX:ReservedCodeCacheSize=64m",
                            "-XX:+ExitOnOutOfMemoryError",
                            "-Xlog:gc:file=" + gcLog + ":uptime"))
                    .serviceLogging()
                    .env(TestAuthServer.env(db))
                    .env("LATCHKEY_PORT", Integer.toString(port))
                    .directory(dir)
                    .log(dir.resolve("auth-server.log"))
                    .start();
            server.awaitReady(port, DEADLINE);
            String base = "http://127.0.0.1:" + port + "/revocations";

            Window list = new Window(server, gcLog);
            String listResult;
            try {
                listResult = plainGet(base, reader.basic());
            } catch (IOException e) {
                listResult = "failed (" + e + ")";
            }
            list.close();
            System.out.printf(
                    Locale.ROOT,
                    "a) GET /revocations: %s; auth-server %s alive=%s load=%s%n",
                    listResult,
                    list,
                    server.alive(),
                    loadAverage());
            if (!server.alive()) {
                System.out.println(server.logTail());
                return;
            }

            Window verifierWindow = new Window(server, gcLog);
            String verifier = freshVerifier(vertx, URI.create(base), reader.basic());
            verifierWindow.close();
            System.out.printf(
                    Locale.ROOT,
                    "b) fresh verifier: %s; auth-server %s alive=%s load=%s%n",
                    verifier,
                    verifierWindow,
                    server.alive(),
                    loadAverage());
        } finally {
            if (server != null) {
                server.terminate();
                if (!server.waitFor(Duration.ofSeconds(30))) {
                    server.close();
                }
            }
            Await.result(pool.close());
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            db.afterAll(null);
        }
    }

    /** Live sid entries as auth-server writes them (lowercase UUIDs), in one statement; the seq from its sequence. */
    private void insert(Pool pool) {
        long expiresAt = Instant.now().getEpochSecond() + 3600;
        Await.result(pool.preparedQuery("""
                                INSERT INTO revocations (seq, type, value, expires_at)
                                SELECT nextval('revocations_seq'), 'sid', gen_random_uuid()::text, $1
                                FROM generate_series(1, $2)""").execute(Tuple.of(expiresAt, entries)), DEADLINE);
        Await.result(pool.query("VACUUM ANALYZE revocations").execute(), DEADLINE);
    }

    /** {@code GET /revocations} read to its last byte and dropped: the time and the size. */
    private static String plainGet(String uri, String authorization) throws IOException, InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long started = System.nanoTime();
        HttpResponse<InputStream> response = client.send(
                HttpRequest.newBuilder(URI.create(uri))
                        .header("Authorization", authorization)
                        .timeout(DEADLINE)
                        .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                bytes += n;
            }
        }
        return String.format(
                Locale.ROOT,
                "status %d, %.1f MiB, last byte after %.2f s",
                response.statusCode(),
                bytes / 1048576.0,
                (System.nanoTime() - started) / 1e9);
    }

    /** The verifier's feed started against auth-server: time to loaded and the list's heap in this JVM. */
    private String freshVerifier(Vertx vertx, URI base, String authorization) throws Exception {
        long before = usedHeapAfterGc();
        RevocationList list = new RevocationList();
        RevocationFeed feed = new RevocationFeed(
                vertx,
                WebClient.create(vertx, new WebClientOptions().setMaxChunkSize(64 * 1024)),
                vertx.createHttpClient(new HttpClientOptions()),
                List.of(base),
                authorization,
                Duration.ofSeconds(30),
                list,
                kid -> {},
                Clock.systemUTC());
        long started = System.nanoTime();
        vertx.runOnContext(v -> feed.start());
        long ready = awaitLoaded(vertx, feed) - started;
        long after = usedHeapAfterGc();
        feed.close();
        return String.format(
                Locale.ROOT,
                "ready after %.2f s, list heap %.1f MiB (%.0f bytes/entry), size %,d",
                ready / 1e9,
                (after - before) / 1048576.0,
                (after - before) / (double) entries,
                list.size());
    }

    private static long awaitLoaded(Vertx vertx, RevocationFeed feed) {
        Promise<Long> loaded = Promise.promise();
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        vertx.setPeriodic(5, id -> {
            if (feed.loaded()) {
                vertx.cancelTimer(id);
                loaded.tryComplete(System.nanoTime());
            } else if (System.nanoTime() > deadline) {
                vertx.cancelTimer(id);
                loaded.tryFail("not loaded within " + DEADLINE);
            }
        });
        return Await.result(loaded.future(), DEADLINE.plusSeconds(5));
    }

    private static long usedHeapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String loadAverage() {
        return String.format(
                Locale.ROOT,
                "%.2f",
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }

    /**
     * auth-server's memory while one measurement runs: resident memory sampled on a thread of its own, and the GC log's
     * lines of the same span (the log's uptime against the process's start).
     */
    private static final class Window {
        private final ServiceProcess server;
        private final Path gcLog;
        private final long fromLine;
        private final AtomicLong peakRssKib = new AtomicLong();
        private final Thread sampler;
        private volatile boolean open = true;

        Window(ServiceProcess server, Path gcLog) throws IOException {
            this.server = server;
            this.gcLog = gcLog;
            this.fromLine = Files.exists(gcLog) ? Files.readAllLines(gcLog).size() : 0;
            this.sampler = new Thread(() -> {
                while (open) {
                    peakRssKib.accumulateAndGet(server.residentKib(), Math::max);
                    server.waitFor(Duration.ofMillis(20)); // the sampling interval; returns early if it exits
                }
            });
            sampler.setDaemon(true);
            sampler.start();
        }

        void close() throws InterruptedException {
            open = false;
            sampler.join();
        }

        @Override
        public String toString() {
            List<String> lines;
            try {
                lines = Files.readAllLines(gcLog);
            } catch (IOException e) {
                lines = List.of();
            }
            long maxBefore = 0;
            long maxAfter = 0;
            long idleAfter = -1;
            int collections = 0;
            int from = (int) Math.min(fromLine, lines.size());
            for (String line : lines.subList(0, from)) {
                Matcher gc = GC.matcher(line);
                if (gc.find()) {
                    idleAfter = Long.parseLong(gc.group(3));
                }
            }
            for (String line : lines.subList(from, lines.size())) {
                Matcher gc = GC.matcher(line);
                if (gc.find()) {
                    collections++;
                    maxBefore = Math.max(maxBefore, Long.parseLong(gc.group(2)));
                    maxAfter = Math.max(maxAfter, Long.parseLong(gc.group(3)));
                }
            }
            List<String> parts = new ArrayList<>();
            parts.add(String.format(Locale.ROOT, "peak RSS %.1f MiB", peakRssKib.get() / 1024.0));
            parts.add(String.format(
                    Locale.ROOT,
                    "heap peak %d MiB before / %d MiB after a collection (%d collections; %d MiB after the last one"
                            + " before)",
                    maxBefore,
                    maxAfter,
                    collections,
                    idleAfter));
            return String.join(", ", parts);
        }
    }
}
