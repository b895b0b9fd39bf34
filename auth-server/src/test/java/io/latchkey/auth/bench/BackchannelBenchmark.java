package io.latchkey.auth.bench;

import static io.latchkey.auth.test.BenchFigures.loadAverage;
import static io.latchkey.auth.test.BenchFigures.percentileMs;

import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Database;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Back-Channel Logout delivery, measured end to end: auth-server and the real key-service in one JVM (as the dev
 * stack runs them) on embedded PostgreSQL, an app's back-channel endpoint as a local Vert.x server on another Vert.x
 * instance recording when each logout token arrives. One public client with a {@code backchannel_logout_uri} (set
 * with SQL); sessions opened with the password grant (which records the client in {@code session_clients}). The
 * parts ({@code bench.parts}, all by default, after an unmeasured warm-up of every path):
 *
 * <ul>
 *   <li>{@code control}: the logouts of {@code a} for a client without a back-channel URI: /logout alone.
 *   <li>{@code a}: {@code bench.logouts} {@code POST /logout} (after {@code bench.warmup} unmeasured), one every
 *       {@code bench.spacingMs}, each from its 204 to the app receiving its token; aim p99 &lt; 100 ms.
 *   <li>{@code drain}: the worker alone: {@code bench.drainRows} rows written into the outbox in one statement,
 *       {@code bench.drainRounds} times.
 *   <li>{@code busy}: twice as many rows drained while other sessions log out, one every {@code
 *       bench.otherSpacingMs}: what the drain does to /logout.
 *   <li>{@code stalled}: {@code bench.stalledRows} rows for an app that never answers interleaved with as many for a
 *       healthy app: how long the healthy app waits.
 *   <li>{@code b}: {@code bench.users} users with {@code bench.sessionsPerUser} sessions each, all disabled at once
 *       through {@code POST /admin/users/{id}/disable} (an {@code admin-cli} token): the outbox's drain rate to the
 *       app (aim &ge; 500/s), and meanwhile {@code POST /logout} of other sessions, one every {@code
 *       bench.otherSpacingMs}, whose response time p99 should stay under 50 ms.
 *   <li>{@code sign}: key-service's {@code /internal/sign} for logout tokens alone, one token a request as the
 *       worker sends them, 64 in flight.
 * </ul>
 *
 * <p>The machine is shared, so beside every wall-clock figure the CPU time it cost ({@link CpuUse}, idle use taken
 * out) and the rate two idle cores would allow at that cost. Run from the repository root:
 *
 * <pre>{@code ./mvnw -B -q -pl auth-server -am test-compile -Pbackchannel-benchmark -Dspotless.check.skip=true}</pre>
 */
public final class BackchannelBenchmark {
    private static final String APP = "bench-app";
    private static final String ADMIN_SECRET = "admin-cli-secret-for-bench-0123456789abcdef";
    private static final double LATENCY_AIM_MS = 100;
    private static final double DRAIN_AIM_PER_SECOND = 500;
    private static final double LOGOUT_AIM_MS = 50;
    private static final int SIGN_IN_FLIGHT = 64;
    private static final Duration DEADLINE = Duration.ofSeconds(180);

    private final int logouts = Integer.getInteger("bench.logouts", 1_000);
    private final int warmup = Integer.getInteger("bench.warmup", 50);
    private final int spacingMs = Integer.getInteger("bench.spacingMs", 20);
    private final int users = Integer.getInteger("bench.users", 10);
    private final int sessionsPerUser = Integer.getInteger("bench.sessionsPerUser", 100);
    private final int others = Integer.getInteger("bench.others", 1_000);
    private final int drainRows = Integer.getInteger("bench.drainRows", 2_000);
    private final int drainRounds = Integer.getInteger("bench.drainRounds", 3);
    private final int stalledRows = Integer.getInteger("bench.stalledRows", 200);
    private final int otherSpacingMs = Integer.getInteger("bench.otherSpacingMs", 20);

    private final Vertx clients;
    private final Pool pool;
    private final TestStack stack;
    private final WebClient web;
    private final AppEndpoint app;
    private final CpuUse cpu;

    private BackchannelBenchmark(Vertx clients, Pool pool, TestStack stack, AppEndpoint app) {
        this.clients = clients;
        this.pool = pool;
        this.stack = stack;
        this.app = app;
        this.cpu = CpuUse.of(pool);
        this.web = WebClient.create(
                clients,
                new WebClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(stack.auth().port()),
                new PoolOptions().setHttp1MaxSize(64));
    }

    public static void main(String[] args) throws Exception {
        PostgresExtension db = new PostgresExtension();
        db.beforeAll(null);
        Vertx server = Vertx.vertx();
        Vertx clients = Vertx.vertx();
        int status = 1;
        AppEndpoint app = AppEndpoint.start(clients);
        TestStack stack = TestStack.start(server, db, env -> {
            env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET);
            env.put("LATCHKEY_DB_POOL_SIZE", "16"); // the production default; the tests' 8 would starve sooner
        });
        Pool pool = Database.pool(clients, db.settings(), 4);
        try {
            TestClients.publicClient(APP).insert(pool);
            Await.result(pool.preparedQuery("UPDATE clients SET backchannel_logout_uri = $1 WHERE client_id = $2")
                    .execute(Tuple.of(app.uri(), APP)));
            new BackchannelBenchmark(clients, pool, stack, app).run();
            status = 0;
        } finally {
            stack.close();
            Await.result(pool.close());
            Await.result(clients.close());
            Await.result(server.close());
            db.afterAll(null);
        }
        System.exit(status);
    }

    private void run() throws Exception {
        String loadBefore = loadAverage();
        System.out.printf(
                Locale.ROOT,
                "back-channel logout benchmark: %d cores (shared with other builds), auth-server + key-service in"
                        + " one JVM, app endpoint on its own Vert.x; load average before: %s%n",
                Runtime.getRuntime().availableProcessors(),
                loadBefore);
        Row settings = Await.result(pool.query("SELECT current_setting('fsync'), current_setting('synchronous_commit')")
                        .execute())
                .iterator()
                .next();
        System.out.printf(
                Locale.ROOT,
                "PostgreSQL fsync=%s synchronous_commit=%s; auth-server pool 16 connections%n",
                settings.getString(0),
                settings.getString(1));
        warmUp();
        cpu.calibrate(clients, 3);
        System.out.println(cpu.idle());
        List<String> parts = List.of(System.getProperty("bench.parts", "control,a,drain,busy,stalled,b,sign")
                .split(","));
        if (parts.contains("control")) {
            control();
        }
        if (parts.contains("a")) {
            latency();
        }
        if (parts.contains("drain")) {
            drainAlone();
        }
        if (parts.contains("busy")) {
            logoutsDuringDrain();
        }
        if (parts.contains("stalled")) {
            stalledApp();
        }
        if (parts.contains("b")) {
            massLogout();
        }
        if (parts.contains("sign")) {
            signAlone(5);
        }
        System.out.printf(Locale.ROOT, "load average (1/5/15 min) at the end: %s%n", loadAverage());
    }

    /**
     * Every measured path once, unmeasured: the JIT compiles the hot code over the first few thousand requests, and
     * its threads' CPU would count against whichever part ran first.
     */
    private void warmUp() {
        int total = warmup + logouts;
        TestUsers.insert(pool, "warm", "warm-password-1");
        List<String> tokens = login("warm", total);
        Timings timings = logoutEvery(tokens, 5, () -> false);
        awaitArrivals(
                "the warm-up logouts delivered",
                tokens.stream().map(t -> sid(t)).toList());
        Await.until("the warm-up logouts answered", DEADLINE, () -> timings.answered.get() == total);
        List<String> sids = new ArrayList<>();
        Await.result(pool.preparedQuery("INSERT INTO backchannel_deliveries (session_id, client_id, subject, uri)"
                                + " SELECT gen_random_uuid(), $1, 'warm-subject', $2 FROM generate_series(1, $3)"
                                + " RETURNING session_id::text")
                        .execute(Tuple.of(APP, app.uri(), drainRows)))
                .forEach(row -> sids.add(row.getString(0)));
        awaitArrivals("the warm-up rows delivered", sids);
    }

    /** The same logouts as (a) for sessions of a client with no back-channel URI: the response time without the worker. */
    private void control() throws Exception {
        int total = warmup + logouts;
        TestClients.publicClient("plain-app").insert(pool);
        TestUsers.insert(pool, "plain", "plain-password-1");
        List<String> tokens = login("plain-app", "plain", total);
        CpuUse.Reading before = cpu.read();
        Timings timings = logoutEvery(tokens, spacingMs, () -> false);
        Await.until("every control logout answered", DEADLINE, () -> timings.answered.get() == total);
        CpuUse.Reading after = cpu.read();
        long[] responses = timings.responseTimes(warmup, total);
        System.out.printf(
                Locale.ROOT,
                "(control) the same %d logouts, one every %d ms, for a client without a back-channel URI:"
                        + " POST /logout p50 %.1f ms, p99 %.1f ms%n",
                logouts,
                spacingMs,
                percentileMs(responses, 0.50),
                percentileMs(responses, 0.99));
        System.out.println("    " + cpu.describe(before, after, total, "logout"));
    }

    /** (a) One logout every spacingMs; each from its 204 to its token's arrival. */
    private void latency() throws Exception {
        int total = warmup + logouts;
        TestUsers.insert(pool, "solo", "solo-password-1");
        List<String> tokens = login("solo", total);
        String[] sids = tokens.stream().map(t -> sid(t)).toArray(String[]::new);
        CpuUse.Reading before = cpu.read();
        Timings timings = logoutEvery(tokens, spacingMs, () -> false);
        awaitArrivals("every logout token arrived", Arrays.asList(sids));
        CpuUse.Reading after = cpu.read();

        long[] latencies = new long[logouts];
        int early = 0;
        for (int i = warmup; i < total; i++) {
            latencies[i - warmup] = app.arrivals.get(sids[i]) - timings.respondedAt.get(i);
            if (latencies[i - warmup] < 0) {
                early++;
            }
        }
        Arrays.sort(latencies);
        double p50 = percentileMs(latencies, 0.50);
        double p99 = percentileMs(latencies, 0.99);
        long[] responses = timings.responseTimes(warmup, total);
        System.out.printf(
                Locale.ROOT,
                "(a) latency, %d logouts measured after %d for warm-up, one every %d ms, app up:%n",
                logouts,
                warmup,
                spacingMs);
        System.out.printf(
                Locale.ROOT,
                "    204 received -> logout token received: p50 %.1f ms, p99 %.1f ms (aim p99 < %.0f ms: %s),"
                        + " max %.1f ms; %d arrived before the client saw its 204%n",
                p50,
                p99,
                LATENCY_AIM_MS,
                p99 < LATENCY_AIM_MS ? "met" : "NOT met",
                latencies[latencies.length - 1] / 1e6,
                early);
        System.out.printf(
                Locale.ROOT,
                "    POST /logout response time: p50 %.1f ms, p99 %.1f ms%n",
                percentileMs(responses, 0.50),
                percentileMs(responses, 0.99));
        System.out.println("    " + cpu.describe(before, after, total, "logout with its delivery"));
    }

    /**
     * The worker alone: rows written straight into the outbox in one statement, drained to the app; {@code
     * bench.drainRounds} times, the first a warm-up, the median the figure.
     */
    private void drainAlone() {
        List<Double> rates = new ArrayList<>();
        List<Double> costs = new ArrayList<>();
        for (int round = 0; round <= drainRounds; round++) {
            CpuUse.Reading before = cpu.read();
            List<String> sids = new ArrayList<>();
            Await.result(pool.preparedQuery("INSERT INTO backchannel_deliveries (session_id, client_id, subject, uri)"
                                    + " SELECT gen_random_uuid(), $1, 'drain-subject', $2 FROM generate_series(1, $3)"
                                    + " RETURNING session_id::text")
                            .execute(Tuple.of(APP, app.uri(), drainRows)))
                    .forEach(row -> sids.add(row.getString(0)));
            long committed = System.nanoTime();
            awaitArrivals("every outbox row delivered", sids);
            CpuUse.Reading after = cpu.read();
            long last = sids.stream().mapToLong(app.arrivals::get).max().orElseThrow();
            double rate = drainRows / ((last - committed) / 1e9);
            double[] cost = cpu.perOperation(before, after, drainRows);
            if (round > 0) {
                rates.add(rate);
                costs.add(cost[0] + cost[1]);
            }
            System.out.printf(
                    Locale.ROOT,
                    "(drain%s) %d rows inserted into the outbox in one statement: %.0f/s from the commit; %s%n",
                    round == 0 ? ", warm-up" : " " + round,
                    drainRows,
                    rate,
                    cpu.describe(before, after, drainRows, "delivery"));
        }
        System.out.printf(
                Locale.ROOT,
                "(drain) the worker alone, median of %d rounds: %.0f deliveries/s, %.2f ms CPU per delivery%n",
                drainRounds,
                median(rates),
                median(costs));
    }

    /**
     * The worker's drain against the logouts it shares the pool and the cores with: {@code 2 * bench.drainRows} rows
     * written into the outbox at once, and meanwhile one {@code POST /logout} every {@code bench.otherSpacingMs} for
     * sessions of a client without a back-channel URI (so they add no deliveries).
     */
    private void logoutsDuringDrain() {
        int rows = 2 * drainRows;
        TestClients.publicClient("busy-app").insert(pool);
        TestUsers.insert(pool, "busy", "busy-password-1");
        List<String> tokens = login("busy-app", "busy", others);
        AtomicLong drainedAt = new AtomicLong();
        Timings timings = logoutEvery(tokens, otherSpacingMs, () -> drainedAt.get() != 0);
        List<String> sids = new ArrayList<>();
        Await.result(pool.preparedQuery("INSERT INTO backchannel_deliveries (session_id, client_id, subject, uri)"
                                + " SELECT gen_random_uuid(), $1, 'busy-subject', $2 FROM generate_series(1, $3)"
                                + " RETURNING session_id::text")
                        .execute(Tuple.of(APP, app.uri(), rows)))
                .forEach(row -> sids.add(row.getString(0)));
        long committed = System.nanoTime();
        awaitArrivals("every outbox row delivered", sids);
        drainedAt.set(System.nanoTime());
        int sent = timings.sent.get();
        Await.until("the logouts sent during the drain answered", DEADLINE, () -> timings.answered.get() >= sent);
        long last = sids.stream().mapToLong(app.arrivals::get).max().orElseThrow();
        List<Long> during = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            if (timings.respondedAt.get(i) != 0 && timings.sentAt.get(i) >= committed) {
                during.add(timings.respondedAt.get(i) - timings.sentAt.get(i));
            }
        }
        long[] sorted = during.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "(busy) %d rows drained at %.0f/s while /logout ran one every %d ms: POST /logout during the drain"
                        + " (%d): p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                rows,
                rows / ((last - committed) / 1e9),
                otherSpacingMs,
                sorted.length,
                percentileMs(sorted, 0.50),
                percentileMs(sorted, 0.99),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6);
    }

    /**
     * An app whose endpoint takes requests and never answers (until the 5 s timeout) beside a healthy one: {@code
     * bench.stalledRows} outbox rows for each, interleaved; how long the healthy app's rows take to arrive.
     */
    private void stalledApp() {
        StalledEndpoint stalled = StalledEndpoint.start(clients);
        int total = 2 * stalledRows;
        List<String> healthy = new ArrayList<>();
        long start = System.nanoTime();
        Await.result(pool.preparedQuery("INSERT INTO backchannel_deliveries"
                                + " (session_id, client_id, subject, uri, next_attempt_at)"
                                + " SELECT gen_random_uuid(), CASE WHEN i % 2 = 0 THEN $1 ELSE 'stalled-app' END,"
                                + " 'stalled-subject', CASE WHEN i % 2 = 0 THEN $2 ELSE $3 END,"
                                + " now() - ($4 - i) * interval '1 millisecond'"
                                + " FROM generate_series(1, $4) AS i RETURNING session_id::text, client_id")
                        .execute(Tuple.of(APP, app.uri(), stalled.uri(), total)))
                .forEach(row -> {
                    if (row.getString(1).equals(APP)) {
                        healthy.add(row.getString(0));
                    }
                });
        long committed = System.nanoTime();
        awaitArrivals("the healthy app's rows delivered", healthy);
        long last = healthy.stream().mapToLong(app.arrivals::get).max().orElseThrow();
        System.out.printf(
                Locale.ROOT,
                "(stalled) %d rows for an app that never answers interleaved with %d for a healthy one: the healthy"
                        + " app's all arrived %.1f s after the commit (%.0f/s); the stalled app had taken %d requests%n",
                stalledRows,
                stalledRows,
                (last - committed) / 1e9,
                stalledRows / ((last - committed) / 1e9),
                stalled.taken.get());
        // Answer what it holds and everything after, so its rows finish and leave the later parts alone.
        stalled.release();
        Await.until(
                "the stalled app's rows delivered once it answers",
                DEADLINE,
                () -> Await.result(pool.query("SELECT count(*) FROM backchannel_deliveries"
                                                + " WHERE client_id = 'stalled-app' AND delivered_at IS NULL")
                                        .execute())
                                .iterator()
                                .next()
                                .getLong(0)
                        == 0);
        stalled.close();
        System.out.printf(
                Locale.ROOT,
                "    (all %d rows finished %.1f s after the commit)%n",
                total,
                (System.nanoTime() - start) / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        java.util.Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** (b) Many sessions end at once through user disable; other sessions log out meanwhile. */
    private void massLogout() throws Exception {
        List<UUID> userIds = new ArrayList<>();
        List<String> massSids = new ArrayList<>();
        for (int u = 0; u < users; u++) {
            String name = "mass-" + u;
            userIds.add(TestUsers.insert(pool, name, name + "-password-1"));
            login(name, sessionsPerUser).forEach(t -> massSids.add(sid(t)));
        }
        TestUsers.insert(pool, "other", "other-password-1");
        List<String> otherTokens = login("other", others);
        String[] otherSids = otherTokens.stream().map(t -> sid(t)).toArray(String[]::new);
        String admin = adminToken();
        int sessions = massSids.size();

        AtomicLong drainedAt = new AtomicLong();
        CpuUse.Reading before = cpu.read();
        long start = System.nanoTime();
        Timings otherTimings = logoutEvery(otherTokens, otherSpacingMs, () -> drainedAt.get() != 0);
        List<Future<Long>> disables = new ArrayList<>();
        for (UUID id : userIds) {
            disables.add(web.post("/admin/users/" + id + "/disable")
                    .putHeader("Authorization", "Bearer " + admin)
                    .send()
                    .map(response -> {
                        if (response.statusCode() != 204) {
                            throw new IllegalStateException("disable answered " + response.statusCode());
                        }
                        return System.nanoTime();
                    }));
        }
        awaitArrivals("every mass logout token arrived", massSids);
        drainedAt.set(System.nanoTime());
        CpuUse.Reading after = cpu.read();
        long lastDisable = Await.result(Future.all(disables)).<Long>list().stream()
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow();
        int sent = otherTimings.sent.get();
        Await.until(
                "the other logouts sent during the drain answered",
                DEADLINE,
                () -> otherTimings.answered.get() >= sent);

        awaitArrivals("their logout tokens arrived", Arrays.asList(otherSids).subList(0, sent));

        long first = Long.MAX_VALUE;
        long last = 0;
        for (String sid : massSids) {
            long at = app.arrivals.get(sid);
            first = Math.min(first, at);
            last = Math.max(last, at);
        }
        double fromStart = sessions / ((last - start) / 1e9);
        double fromCommit = sessions / ((last - lastDisable) / 1e9);
        long[] responses = otherTimings.responseTimes(0, sent);
        double p99 = percentileMs(responses, 0.99);
        List<Long> otherLatencies = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            Long at = app.arrivals.get(otherSids[i]);
            if (at != null && otherTimings.respondedAt.get(i) != 0) {
                otherLatencies.add(at - otherTimings.respondedAt.get(i));
            }
        }
        long[] deliveries =
                otherLatencies.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "(b) mass logout: %d users x %d sessions disabled at once (POST /admin/users/{id}/disable, %d in"
                        + " parallel), %d other sessions logging out one every %d ms meanwhile:%n",
                users,
                sessionsPerUser,
                users,
                sent,
                otherSpacingMs);
        System.out.printf(
                Locale.ROOT,
                "    the %d disables answered within %.0f ms of the first request; first token %.0f ms, last %.0f ms"
                        + " after it%n",
                users,
                (lastDisable - start) / 1e6,
                (first - start) / 1e6,
                (last - start) / 1e6);
        System.out.printf(
                Locale.ROOT,
                "    outbox drain: %d deliveries, %.0f/s from the first disable sent, %.0f/s from the last disable's"
                        + " 204 (aim >= %.0f/s: %s)%n",
                sessions,
                fromStart,
                fromCommit,
                DRAIN_AIM_PER_SECOND,
                fromStart >= DRAIN_AIM_PER_SECOND ? "met" : "NOT met");
        System.out.printf(
                Locale.ROOT,
                "    POST /logout of other sessions during the drain (%d): p50 %.1f ms, p99 %.1f ms (aim p99 < %.0f ms:"
                        + " %s), max %.1f ms%n",
                responses.length,
                percentileMs(responses, 0.50),
                p99,
                LOGOUT_AIM_MS,
                p99 < LOGOUT_AIM_MS ? "met" : "NOT met",
                responses.length == 0 ? Double.NaN : responses[responses.length - 1] / 1e6);
        List<Long> whileDisabling = new ArrayList<>();
        List<Long> afterDisables = new ArrayList<>();
        for (int i = 0; i < sent; i++) {
            if (otherTimings.respondedAt.get(i) != 0) {
                long took = otherTimings.respondedAt.get(i) - otherTimings.sentAt.get(i);
                (otherTimings.sentAt.get(i) < lastDisable ? whileDisabling : afterDisables).add(took);
            }
        }
        long[] during =
                whileDisabling.stream().mapToLong(Long::longValue).sorted().toArray();
        long[] later =
                afterDisables.stream().mapToLong(Long::longValue).sorted().toArray();
        System.out.printf(
                Locale.ROOT,
                "      sent before the last disable answered (%d): p50 %.1f ms, p99 %.1f ms; sent after it, while only"
                        + " the worker drains (%d): p50 %.1f ms, p99 %.1f ms%n",
                during.length,
                percentileMs(during, 0.50),
                percentileMs(during, 0.99),
                later.length,
                percentileMs(later, 0.50),
                percentileMs(later, 0.99));
        System.out.printf(
                Locale.ROOT,
                "    their logout tokens, 204 -> received (queued behind the mass logout): p50 %.0f ms, p99 %.0f ms"
                        + " (%d of %d arrived)%n",
                percentileMs(deliveries, 0.50),
                percentileMs(deliveries, 0.99),
                deliveries.length,
                sent);
        Row outbox = Await.result(pool.query("SELECT count(*) FILTER (WHERE delivered_at IS NOT NULL),"
                                + " count(*) FILTER (WHERE attempts > 1), max(attempts) FROM backchannel_deliveries")
                        .execute())
                .iterator()
                .next();
        System.out.printf(
                Locale.ROOT,
                "    outbox: %d delivered, %d needed more than one attempt (max %d); the app saw %d repeats%n",
                outbox.getLong(0),
                outbox.getLong(1),
                outbox.getInteger(2),
                app.repeats.get());
        System.out.println(
                "    " + cpu.describe(before, after, sessions + sent, "ended session (each with its delivery)"));
    }

    /** key-service signing logout tokens alone, as the worker asks for them: one a request, 64 in flight. */
    private void signAlone(int seconds) throws Exception {
        WebClient signing = WebClient.create(clients, new WebClientOptions(), new PoolOptions().setHttp1MaxSize(64));
        String url = "http://127.0.0.1:" + stack.keyServiceInternalPort() + "/internal/sign";
        long now = System.currentTimeMillis() / 1000;
        Buffer body = new JsonObject()
                .put("typ", "logout+jwt")
                .put(
                        "claims",
                        new JsonObject()
                                .put("iss", TestAuthServer.ISSUER)
                                .put("aud", APP)
                                .put("iat", now)
                                .put("exp", now + 120)
                                .put("jti", UUID.randomUUID().toString())
                                .put("sid", UUID.randomUUID().toString())
                                .put("sub", UUID.randomUUID().toString())
                                .put(
                                        "events",
                                        new JsonObject()
                                                .put(
                                                        "http://schemas.openid.net/event/backchannel-logout",
                                                        new JsonObject())))
                .toBuffer();
        AtomicLong done = new AtomicLong();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        List<Future<Void>> lanes = new ArrayList<>();
        CpuUse.Reading before = cpu.read();
        long start = System.nanoTime();
        for (int i = 0; i < SIGN_IN_FLIGHT; i++) {
            lanes.add(signLoop(signing, url, body, end, done));
        }
        Await.result(Future.all(lanes), DEADLINE);
        double rate = done.get() / ((System.nanoTime() - start) / 1e9);
        CpuUse.Reading after = cpu.read();
        signing.close();
        System.out.printf(
                Locale.ROOT,
                "    for comparison: key-service /internal/sign of logout tokens alone, one a request, %d in flight:"
                        + " %.0f/s%n",
                SIGN_IN_FLIGHT,
                rate);
        System.out.println("    " + cpu.describe(before, after, (int) done.get(), "signature over HTTP"));
    }

    private static Future<Void> signLoop(WebClient signing, String url, Buffer body, long end, AtomicLong done) {
        if (System.nanoTime() >= end) {
            return Future.succeededFuture();
        }
        return signing.postAbs(url)
                .putHeader("Authorization", "Bearer " + TestAuthServer.INTERNAL_SECRET)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(body)
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("sign answered " + response.statusCode());
                    }
                    done.incrementAndGet();
                    return signLoop(signing, url, body, end, done);
                });
    }

    private String adminToken() {
        HttpResponse<Buffer> response =
                stack.auth().postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        if (response.statusCode() != 200) {
            throw new IllegalStateException("admin token: " + response.bodyAsString());
        }
        return response.bodyAsJsonObject().getString("access_token");
    }

    /** {@code count} sessions of {@code user} through the password grant, eight logins in flight: access tokens. */
    private List<String> login(String user, int count) {
        return login(APP, user, count);
    }

    private List<String> login(String client, String user, int count) {
        String[] tokens = new String[count];
        AtomicInteger next = new AtomicInteger();
        List<Future<Void>> workers = new ArrayList<>();
        for (int w = 0; w < 8; w++) {
            workers.add(loginNext(client, user, tokens, next));
        }
        Await.result(Future.all(workers), DEADLINE);
        return List.of(tokens);
    }

    private Future<Void> loginNext(String client, String user, String[] tokens, AtomicInteger next) {
        int index = next.getAndIncrement();
        if (index >= tokens.length) {
            return Future.succeededFuture();
        }
        return web.post("/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("grant_type=password&client_id=" + client + "&username=" + user + "&password="
                        + user + "-password-1"))
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("login answered " + response.statusCode());
                    }
                    tokens[index] = response.bodyAsJsonObject().getString("access_token");
                    return loginNext(client, user, tokens, next);
                });
    }

    /** When each logout was sent and when its 204 came back (0 when it did not). */
    private record Timings(
            AtomicLongArray sentAt, AtomicLongArray respondedAt, AtomicInteger sent, AtomicInteger answered) {
        long[] responseTimes(int from, int to) {
            List<Long> times = new ArrayList<>();
            for (int i = from; i < to; i++) {
                if (respondedAt.get(i) != 0) {
                    times.add(respondedAt.get(i) - sentAt.get(i));
                }
            }
            return times.stream().mapToLong(Long::longValue).sorted().toArray();
        }
    }

    /**
     * Sends one {@code POST /logout} every {@code spacing} ms, not waiting for the previous one, until every token
     * is used or {@code stop} says so; waits for the answers only when it sent them all.
     */
    private Timings logoutEvery(List<String> tokens, int spacing, java.util.function.BooleanSupplier stop) {
        int total = tokens.size();
        Timings timings = new Timings(
                new AtomicLongArray(total), new AtomicLongArray(total), new AtomicInteger(), new AtomicInteger());
        clients.setPeriodic(spacing, timer -> {
            int index = timings.sent.get();
            if (index >= total || stop.getAsBoolean()) {
                clients.cancelTimer(timer);
                return;
            }
            timings.sent.incrementAndGet();
            timings.sentAt.set(index, System.nanoTime());
            web.post("/logout")
                    .putHeader("Authorization", "Bearer " + tokens.get(index))
                    .send()
                    .onComplete(ar -> {
                        if (ar.succeeded() && ar.result().statusCode() == 204) {
                            timings.respondedAt.set(index, System.nanoTime());
                        } else {
                            System.err.println("logout " + index + " failed: "
                                    + (ar.succeeded() ? ar.result().statusCode() : ar.cause()));
                        }
                        timings.answered.incrementAndGet();
                    });
        });
        return timings;
    }

    /** Waits until the app has received a token for each of {@code sids}, checking each only until it arrived. */
    private void awaitArrivals(String what, List<String> sids) {
        int[] next = {0};
        Await.until(what, DEADLINE, () -> {
            while (next[0] < sids.size() && app.arrivals.containsKey(sids.get(next[0]))) {
                next[0]++;
            }
            return next[0] == sids.size();
        });
    }

    private static String sid(String accessToken) {
        return AccessTokens.claims(accessToken).getString("sid");
    }

    /** An app endpoint that reads every request and answers none until {@link #release}; then 200 to all. */
    private static final class StalledEndpoint {
        final AtomicInteger taken = new AtomicInteger();
        private final List<io.vertx.core.http.HttpServerResponse> held =
                new java.util.concurrent.CopyOnWriteArrayList<>();
        private volatile boolean released;
        private HttpServer server;

        static StalledEndpoint start(Vertx vertx) {
            StalledEndpoint self = new StalledEndpoint();
            self.server = vertx.createHttpServer()
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        self.taken.incrementAndGet();
                        if (self.released) {
                            request.response().setStatusCode(200).end();
                        } else {
                            self.held.add(request.response());
                        }
                    }));
            Await.result(self.server.listen(0, "127.0.0.1"));
            return self;
        }

        String uri() {
            return "http://127.0.0.1:" + server.actualPort() + "/backchannel-logout";
        }

        void release() {
            released = true;
            for (io.vertx.core.http.HttpServerResponse response : held) {
                if (!response.closed()) {
                    response.setStatusCode(200).end();
                }
            }
        }

        void close() {
            Await.result(server.close());
        }
    }

    /** The app's back-channel logout endpoint: when each session's first token arrived; 200 to every one. */
    private static final class AppEndpoint {
        final Map<String, Long> arrivals = new ConcurrentHashMap<>();
        final AtomicInteger repeats = new AtomicInteger();
        private final HttpServer server;

        private AppEndpoint(HttpServer server) {
            this.server = server;
        }

        static AppEndpoint start(Vertx vertx) {
            AppEndpoint[] self = new AppEndpoint[1];
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        long at = System.nanoTime();
                        String form = body.toString(StandardCharsets.UTF_8);
                        String token = URLDecoder.decode(
                                form.substring(form.indexOf("logout_token=") + 13), StandardCharsets.UTF_8);
                        String payload = new String(
                                Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8);
                        String sid = new JsonObject(payload).getString("sid");
                        if (self[0].arrivals.putIfAbsent(sid, at) != null) {
                            self[0].repeats.incrementAndGet();
                        }
                        request.response().setStatusCode(200).end();
                    }));
            self[0] = new AppEndpoint(server);
            Await.result(server.listen(0, "127.0.0.1"));
            return self[0];
        }

        String uri() {
            return "http://127.0.0.1:" + server.actualPort() + "/backchannel-logout";
        }
    }
}
