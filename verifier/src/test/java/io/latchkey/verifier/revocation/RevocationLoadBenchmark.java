package io.latchkey.verifier.revocation;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * A fresh verifier's start against a list of {@code entries} (1,000,000) live {@code sid} entries: the time from
 * {@link RevocationFeed#start()} to {@link RevocationFeed#loaded()} and the heap the loaded list holds (used heap after
 * full collections, less the same before the start). The snapshot is served over real HTTP, in the contract's format,
 * by a stand-in that answers with pre-rendered bytes, so the figure is the verifier's own cost: receiving, parsing and
 * indexing the list, not auth-server's query.
 *
 * <p>Run from the repository root: {@code ./mvnw -B -q -pl verifier -am process-test-classes
 * -Prevocation-benchmark -Dspotless.check.skip=true}; {@code -Dbench.entries=...} changes the count.
 */
public final class RevocationLoadBenchmark {
    private static final Duration DEADLINE = Duration.ofMinutes(2);

    public static void main(String[] args) throws Exception {
        int entries = Integer.getInteger("entries", 1_000_000);
        Vertx vertx = Vertx.vertx();
        try {
            Buffer snapshot = snapshot(entries);
            HttpServer server = await(vertx.createHttpServer()
                    .requestHandler(request -> {
                        if (request.path().endsWith("/stream")) {
                            request.response()
                                    .setChunked(true)
                                    .putHeader("Content-Type", "text/event-stream")
                                    .write(": heartbeat\n\n");
                        } else {
                            request.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(snapshot);
                        }
                    })
                    .listen(0, "127.0.0.1"));
            URI base = URI.create("http://127.0.0.1:" + server.actualPort() + "/revocations");
            long before = usedHeapAfterGc();

            RevocationList list = new RevocationList();
            RevocationFeed feed = new RevocationFeed(
                    vertx,
                    WebClient.create(vertx, new WebClientOptions().setMaxChunkSize(64 * 1024)),
                    vertx.createHttpClient(new HttpClientOptions()),
                    List.of(base),
                    "Basic " + "eDp5",
                    Duration.ofSeconds(30),
                    list,
                    kid -> {},
                    Clock.systemUTC());
            long started = System.nanoTime();
            vertx.runOnContext(v -> feed.start());
            long readyNanos = awaitLoaded(vertx, feed) - started;
            long after = usedHeapAfterGc();
            feed.close();

            System.out.printf(
                    Locale.ROOT,
                    "entries=%d snapshot=%.1f MiB ready=%.2f s list heap=%.1f MiB (%.0f bytes/entry) size=%d load=%s%n",
                    entries,
                    snapshot.length() / 1048576.0,
                    readyNanos / 1e9,
                    (after - before) / 1048576.0,
                    (after - before) / (double) entries,
                    list.size(),
                    loadAverage());
            await(server.close());
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
    }

    /** {@code {"entries":[...],"last_seq":n}} with {@code count} sid entries, live for an hour. */
    private static Buffer snapshot(int count) {
        long expiresAt = System.currentTimeMillis() / 1000 + 3600;
        Buffer body = Buffer.buffer(count * 100);
        body.appendString("{\"entries\":[");
        for (int i = 1; i <= count; i++) {
            if (i > 1) {
                body.appendString(",");
            }
            body.appendString("{\"seq\":" + i + ",\"type\":\"sid\",\"value\":\"" + UUID.randomUUID()
                    + "\",\"expires_at\":" + expiresAt + "}");
        }
        return body.appendString("],\"last_seq\":" + count + "}");
    }

    /** Completes when the feed is loaded; checked on a short timer, within {@link #DEADLINE}. */
    private static long awaitLoaded(Vertx vertx, RevocationFeed feed) throws Exception {
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
        return await(loaded.future());
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

    private static <T> T await(Future<T> future) throws Exception {
        return future.toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }
}
