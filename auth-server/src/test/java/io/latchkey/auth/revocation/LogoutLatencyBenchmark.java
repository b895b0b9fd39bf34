package io.latchkey.auth.revocation;

import static io.latchkey.auth.test.BenchFigures.loadAverage;
import static io.latchkey.auth.test.BenchFigures.percentileMs;

import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.SseArrivals;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Database;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Measures how long a logout takes to reach resource servers: with {@code subscribers} clients on
 * {@code /revocations/stream}, sends {@code logouts} {@code POST /logout} requests (one every {@code spacingMs},
 * not waiting for the previous one) and reports the time from each 204 response to the {@code sid} event's
 * arrival at every subscriber, p50 and p99, next to the 100 ms ceiling of issue 5. auth-server and the real
 * key-service run in this JVM on their own Vert.x instance; the clients on another. The first {@code warmup}
 * logouts are left out of the figures.
 *
 * <p>Run from the repository root: {@code ./mvnw -B -q -pl auth-server -am process-test-classes
 * -Plogout-benchmark -Dspotless.check.skip=true}; add {@code -Dbench.subscribers=200 -Dbench.logouts=2000
 * -Dbench.spacingMs=5} to change the defaults (120, 1000, 10).
 */
public final class LogoutLatencyBenchmark {
    private static final double CEILING_MS = 100;
    private static final long DEADLINE_SECONDS = 180;
    private static final Duration DEADLINE = Duration.ofSeconds(DEADLINE_SECONDS);

    private final int subscribers = Integer.getInteger("subscribers", 120);
    private final int logouts = Integer.getInteger("logouts", 1_000);
    private final long spacingMs = Long.getLong("spacingMs", 10);
    private final int warmup = Integer.getInteger("warmup", 200);
    private final int total = warmup + logouts;

    private final Vertx clients;
    private final Pool pool;
    private final int port;
    private final WebClient web;
    private final String[] accessTokens;
    private final String[] sids;
    private final AtomicLongArray respondedAt;
    private final AtomicLongArray sentAt;
    private final List<AtomicLongArray> receivedAt = new ArrayList<>();
    private long base;

    private LogoutLatencyBenchmark(Vertx clients, Pool pool, int port) {
        this.clients = clients;
        this.pool = pool;
        this.port = port;
        this.web = WebClient.create(
                clients,
                new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port),
                new PoolOptions().setHttp1MaxSize(32));
        this.accessTokens = new String[total];
        this.sids = new String[total];
        this.respondedAt = new AtomicLongArray(total);
        this.sentAt = new AtomicLongArray(total);
    }

    public static void main(String[] args) throws Exception {
        PostgresExtension db = new PostgresExtension();
        db.beforeAll(null);
        Vertx server = Vertx.vertx();
        Vertx clients = Vertx.vertx();
        int status = 1;
        TestStack stack = TestStack.start(server, db, env -> env.put("LATCHKEY_DB_POOL_SIZE", "16"));
        Pool pool = Database.pool(clients, db.settings(), 4);
        try {
            TestClients.publicClient(Logins.APP).insert(pool);
            TestClients.revocationReader(Logins.READER).insert(pool);
            TestUsers.insert(pool, "bench", "bench-password-1");
            new LogoutLatencyBenchmark(clients, pool, stack.auth().port()).run();
            status = 0;
        } finally {
            stack.close();
            pool.close();
            clients.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            db.afterAll(null);
        }
        System.exit(status);
    }

    private void run() throws Exception {
        loginAll();
        base = Await.result(TestRevocations.highestSeq(pool), DEADLINE);
        HttpClient http =
                clients.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(subscribers + 10));
        CountDownLatch allReceived = new CountDownLatch(subscribers);
        List<Future<Void>> connected = new ArrayList<>();
        for (int i = 0; i < subscribers; i++) {
            AtomicLongArray arrivals = new AtomicLongArray(total);
            receivedAt.add(arrivals);
            connected.add(SseArrivals.follow(http, port, Logins.readerBasic(), base, arrivals, allReceived));
        }
        Await.result(Future.all(connected), DEADLINE);

        String loadBefore = loadAverage();
        long started = System.nanoTime();
        logoutAll();
        boolean complete = allReceived.await(DEADLINE_SECONDS, TimeUnit.SECONDS);
        double seconds = (System.nanoTime() - started) / 1e9;
        report(complete, seconds, seqBySid());
        System.out.println("  load average (1/5/15 min) before: " + loadBefore + ", after: " + loadAverage() + ", on "
                + Runtime.getRuntime().availableProcessors() + " cores (shared with other builds)");
    }

    /** One session per logout, eight logins in flight at a time. */
    private void loginAll() throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            workers.add(loginNext(next));
        }
        Await.result(Future.all(workers), DEADLINE);
    }

    private Future<Void> loginNext(AtomicInteger next) {
        int index = next.getAndIncrement();
        if (index >= total) {
            return Future.succeededFuture();
        }
        return web.post("/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer(
                        "grant_type=password&client_id=" + Logins.APP + "&username=bench&password=bench-password-1"))
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("login answered " + response.statusCode());
                    }
                    String token = response.bodyAsJsonObject().getString("access_token");
                    accessTokens[index] = token;
                    sids[index] = AccessTokens.claims(token).getString("sid");
                    return loginNext(next);
                });
    }

    /** One logout every spacingMs, without waiting for the previous one. */
    private void logoutAll() throws Exception {
        CountDownLatch answered = new CountDownLatch(total);
        AtomicInteger next = new AtomicInteger();
        clients.setPeriodic(spacingMs, timer -> {
            int index = next.getAndIncrement();
            if (index >= total) {
                clients.cancelTimer(timer);
                return;
            }
            sentAt.set(index, System.nanoTime());
            web.post("/logout")
                    .putHeader("Authorization", "Bearer " + accessTokens[index])
                    .send()
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result().statusCode() == 204) {
                            respondedAt.set(index, System.nanoTime());
                        } else {
                            System.err.println("logout " + index + " failed: "
                                    + (ar.succeeded() ? ar.result().statusCode() : ar.cause()));
                        }
                        answered.countDown();
                    });
        });
        if (!answered.await(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            throw new IllegalStateException("the logouts were not all answered");
        }
    }

    /** The seq each logout's sid entry got, read back from the list. */
    private Map<String, Long> seqBySid() throws Exception {
        Map<String, Long> seqs = new HashMap<>();
        for (Row row :
                Await.result(pool.preparedQuery("SELECT seq, value FROM revocations WHERE seq > $1 AND type = 'sid'")
                        .execute(io.vertx.sqlclient.Tuple.of(base)))) {
            seqs.put(row.getString("value"), row.getLong("seq"));
        }
        return seqs;
    }

    private void report(boolean complete, double seconds, Map<String, Long> seqs) {
        long[] latencies = new long[subscribers * logouts];
        int n = 0;
        int missing = 0;
        long[] responses = new long[logouts];
        int answered = 0;
        for (int i = warmup; i < total; i++) {
            Long seq = seqs.get(sids[i]);
            if (respondedAt.get(i) != 0) {
                responses[answered++] = respondedAt.get(i) - sentAt.get(i);
            }
            for (AtomicLongArray arrivals : receivedAt) {
                int slot = seq == null ? -1 : (int) (seq - base - 1);
                if (slot < 0 || slot >= total || arrivals.get(slot) == 0 || respondedAt.get(i) == 0) {
                    missing++;
                } else {
                    latencies[n++] = arrivals.get(slot) - respondedAt.get(i);
                }
            }
        }
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        long[] sortedResponses = Arrays.copyOf(responses, answered);
        Arrays.sort(sortedResponses);
        double p50 = percentileMs(sorted, 0.50);
        double p99 = percentileMs(sorted, 0.99);
        System.out.printf(
                Locale.ROOT,
                "logout propagation benchmark: %d subscribers, %d logouts measured after %d for warm-up,"
                        + " one every %d ms (%.1f s)%n",
                subscribers,
                logouts,
                warmup,
                spacingMs,
                seconds);
        System.out.printf(
                Locale.ROOT, "  events delivered: %d of %d%s%n", n, n + missing, complete ? "" : " (INCOMPLETE)");
        System.out.printf(
                Locale.ROOT,
                "  204-response-to-event latency: p50 %.2f ms (%.3f of the %.0f ms ceiling), p99 %.2f ms (%.3f of it),"
                        + " max %.2f ms%n",
                p50,
                p50 / CEILING_MS,
                CEILING_MS,
                p99,
                p99 / CEILING_MS,
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
        System.out.printf(
                Locale.ROOT,
                "  events that arrived before the client saw the 204: %d%n",
                Arrays.stream(sorted).filter(l -> l < 0).count());
        System.out.printf(
                Locale.ROOT,
                "  /logout response time: p50 %.2f ms, p99 %.2f ms%n",
                percentileMs(sortedResponses, 0.50),
                percentileMs(sortedResponses, 0.99));
    }
}
