package io.latchkey.auth.bench;

import static io.latchkey.auth.test.BenchFigures.loadAverage;

import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Database;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Mass logout: a client with {@code bench.sessions} (100,000) open sessions, inserted with SQL, disabled through
 * {@code POST /admin/clients/{id}/disable}; the time from that request to the logout job's last batch committed
 * (its last sid on the list, which the feed streams from then on), while another client keeps asking for
 * client_credentials tokens, {@code bench.inFlight} requests in flight; that rate against its rate over the same
 * length of time before. auth-server and key-service in one JVM on embedded PostgreSQL, as the dev stack runs them.
 * Run from the repository root:
 *
 * <pre>{@code ./mvnw -B -q -pl auth-server -am test-compile -Pmass-logout-benchmark -Dspotless.check.skip=true}</pre>
 */
public final class MassLogoutBenchmark {
    private static final String ADMIN_SECRET = "admin-cli-secret-for-bench-0123456789abcdef";
    private static final String MASS = "mass-app";
    private static final String LOAD = "load-client";
    private static final Duration DEADLINE = Duration.ofSeconds(600);

    private final int sessions = Integer.getInteger("bench.sessions", 100_000);
    private final int inFlight = Integer.getInteger("bench.inFlight", 16);
    private final Pool pool;
    private final TestStack stack;
    private final WebClient web;

    private MassLogoutBenchmark(Vertx clients, Pool pool, TestStack stack) {
        this.pool = pool;
        this.stack = stack;
        this.web = WebClient.create(
                clients,
                new WebClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(stack.auth().port()),
                new PoolOptions().setHttp1MaxSize(inFlight));
    }

    public static void main(String[] args) throws Exception {
        PostgresExtension db = new PostgresExtension();
        db.beforeAll(null);
        Vertx server = Vertx.vertx();
        Vertx clients = Vertx.vertx();
        int status = 1;
        TestStack stack = TestStack.start(server, db, env -> {
            env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET);
            env.put("LATCHKEY_DB_POOL_SIZE", "16"); // the production default
        });
        Pool pool = Database.pool(clients, db.settings(), 4);
        try {
            new MassLogoutBenchmark(clients, pool, stack).run();
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

    private void run() {
        System.out.printf(
                Locale.ROOT,
                "mass logout benchmark: %d cores (shared), %,d sessions, %d token requests in flight; load before: %s%n",
                Runtime.getRuntime().availableProcessors(),
                sessions,
                inFlight,
                loadAverage());
        TestClients.confidential(MASS)
                .grants("client_credentials", "password", "refresh_token")
                .insert(pool);
        TestClients.confidential(LOAD).insert(pool);
        UUID user = TestUsers.insert(pool, "mass-user", "mass-user-password-1");
        long insertStart = System.nanoTime();
        Await.result(
                pool.preparedQuery("WITH opened AS (INSERT INTO sessions (user_id, client_id, scope, auth_time,"
                                + " expires_at) SELECT $1, $2, '', 0, now() + interval '1 day'"
                                + " FROM generate_series(1, $3) RETURNING id, client_id)"
                                + " INSERT INTO session_clients (session_id, client_id)"
                                + " SELECT id, client_id FROM opened")
                        .execute(Tuple.of(user, MASS, sessions)),
                DEADLINE);
        System.out.printf(
                Locale.ROOT,
                "inserted %,d sessions in %d ms%n",
                sessions,
                (System.nanoTime() - insertStart) / 1_000_000);
        Await.result(pool.query("ANALYZE sessions").execute());
        Await.result(pool.query("ANALYZE session_clients").execute());

        tokensFor(Duration.ofSeconds(10)); // warm-up
        double normal = tokensFor(Duration.ofSeconds(15));
        System.out.printf(Locale.ROOT, "client_credentials alone: %.0f tokens/s%n", normal);

        String admin = adminToken();
        AtomicLong issued = new AtomicLong();
        AtomicLong stop = new AtomicLong();
        long start = System.nanoTime();
        List<Future<Void>> load = loadUntilStopped(issued, stop);
        HttpResponse<Buffer> disabled = Await.result(web.post("/admin/clients/" + MASS + "/disable")
                .putHeader("Authorization", "Bearer " + admin)
                .send());
        long answeredMs = (System.nanoTime() - start) / 1_000_000;
        if (disabled.statusCode() != 204) {
            throw new IllegalStateException("disable answered " + disabled.statusCode());
        }
        Await.until("every session ended", DEADLINE, () -> openSessions(user) == 0 && unfinishedJobs() == 0);
        long doneNanos = System.nanoTime() - start;
        stop.set(1);
        Await.result(Future.all(load), DEADLINE);
        double during = issued.get() / (doneNanos / 1e9);
        long listed = count(
                "SELECT count(*) FROM revocations r JOIN sessions s ON r.value = s.id::text WHERE r.type = 'sid'"
                        + " AND s.user_id = $1",
                user);
        System.out.printf(
                Locale.ROOT,
                "disable answered in %d ms; last of %,d sids listed after %.1f s (aim < 60 s): %.0f sessions/s;"
                        + " %,d sid entries for them%n",
                answeredMs,
                sessions,
                doneNanos / 1e9,
                sessions / (doneNanos / 1e9),
                listed);
        System.out.printf(
                Locale.ROOT,
                "client_credentials meanwhile: %.0f tokens/s = %.2f x alone (aim >= 0.5)%n",
                during,
                during / normal);
        System.out.printf(Locale.ROOT, "load average (1/5/15 min) at the end: %s%n", loadAverage());
    }

    private long openSessions(UUID user) {
        return count("SELECT count(*) FROM sessions WHERE user_id = $1 AND ended_at IS NULL", user);
    }

    private long unfinishedJobs() {
        return count("SELECT count(*) FROM logout_jobs WHERE finished_at IS NULL");
    }

    private long count(String sql, Object... params) {
        Row row = Await.result(pool.preparedQuery(sql).execute(Tuple.from(params)))
                .iterator()
                .next();
        return row.getLong(0);
    }

    /** client_credentials tokens per second over {@code length}, {@code inFlight} requests in flight. */
    private double tokensFor(Duration length) {
        AtomicLong issued = new AtomicLong();
        AtomicLong stop = new AtomicLong();
        long start = System.nanoTime();
        List<Future<Void>> load = loadUntilStopped(issued, stop);
        Await.until(
                "the measuring period passes",
                length.plusSeconds(30),
                () -> System.nanoTime() - start >= length.toNanos());
        stop.set(1);
        Await.result(Future.all(load), DEADLINE);
        return issued.get() / ((System.nanoTime() - start) / 1e9);
    }

    private List<Future<Void>> loadUntilStopped(AtomicLong issued, AtomicLong stop) {
        List<Future<Void>> workers = new ArrayList<>();
        for (int i = 0; i < inFlight; i++) {
            workers.add(next(issued, stop));
        }
        return workers;
    }

    /**
     * One worker: a request at a time until stopped. Each request starts from the previous one's callback, not a
     * composed chain, so a long run builds no chain of futures that completes recursively.
     */
    private Future<Void> next(AtomicLong issued, AtomicLong stop) {
        Promise<Void> done = Promise.promise();
        send(issued, stop, done);
        return done.future();
    }

    private void send(AtomicLong issued, AtomicLong stop, Promise<Void> done) {
        if (stop.get() != 0) {
            done.tryComplete();
            return;
        }
        web.post("/oauth2/token")
                .putHeader("Authorization", TestAuthServer.basic(LOAD, LOAD + TestClients.SECRET_SUFFIX))
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("grant_type=client_credentials"))
                .onComplete(ar -> {
                    if (ar.failed() || ar.result().statusCode() != 200) {
                        done.tryFail(
                                ar.failed()
                                        ? ar.cause().toString()
                                        : "token answered " + ar.result().statusCode());
                        return;
                    }
                    issued.incrementAndGet();
                    send(issued, stop, done);
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
}
