package io.latchkey.auth.bench;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.password.Argon2id;
import io.latchkey.auth.test.Await;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.config.Env;
import io.latchkey.db.Database;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.crypto.SigningProvider;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * Token throughput of auth-server + key-service in-process on embedded PostgreSQL, with 32 client connections,
 * next to its ceilings: Argon2id verifications/s at the configured (default) parameters for logins and the raw
 * RSA-2048 sign rate for every grant. Run:
 *
 * <pre>{@code ./mvnw -B -q -pl auth-server -am test-compile -Ptoken-benchmark -Dbench.seconds=10}</pre>
 */
public final class TokenBenchmark {
    private static final int CONNECTIONS = 32;
    private static final String SECRET = "bench-internal-secret-0123456789abcdefghij";
    private static final String ISSUER = "http://localhost:8080";

    private TokenBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int cores = Runtime.getRuntime().availableProcessors();
        DatabaseSettings database = TestPostgres.get().createDatabase();
        Vertx vertx = Vertx.vertx();

        Map<String, String> keyEnv = new HashMap<>();
        keyEnv.put("LATCHKEY_DB_URL", database.url());
        keyEnv.put("LATCHKEY_DEV_MODE", "true");
        keyEnv.put("LATCHKEY_HOST", "127.0.0.1");
        keyEnv.put("LATCHKEY_PORT", "0");
        keyEnv.put("LATCHKEY_INTERNAL_PORT", "0");
        keyEnv.put("LATCHKEY_ISSUER", ISSUER);
        keyEnv.put("LATCHKEY_INTERNAL_SECRET", SECRET);
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        keyEnv.put("LATCHKEY_KEK", Base64.getEncoder().encodeToString(kek));
        KeyServiceVerticle keys = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        Await.result(vertx.deployVerticle(keys));

        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_DB_URL", database.url());
        env.put("LATCHKEY_DEV_MODE", "true");
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_ISSUER", ISSUER);
        env.put("LATCHKEY_INTERNAL_SECRET", SECRET);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keys.internalPort());
        AuthServerConfig config = AuthServerConfig.from(new Env(env));
        AuthServerVerticle auth = new AuthServerVerticle(config);
        Await.result(vertx.deployVerticle(auth));

        Pool pool = Database.pool(vertx, database, 2);
        TestClients.confidential("bench-svc").scopes("notes:read").insert(pool);
        TestClients.publicClient("bench-app").insert(pool);
        Argon2Settings argon2 = config.argon2();
        String hash = new Argon2id(argon2).hash("bench-password-1".toCharArray());
        Await.result(pool.preparedQuery("INSERT INTO users (username, password_hash) VALUES ('bench', $1)")
                .execute(Tuple.of(hash)));

        WebClient client = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setDefaultHost("127.0.0.1")
                        .setDefaultPort(auth.port())
                        .setKeepAlive(true),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS));
        String basic = "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                ("bench-svc:" + TestClients.secretOf("bench-svc")).getBytes(StandardCharsets.UTF_8));
        Buffer ccBody = Buffer.buffer("grant_type=client_credentials");
        Buffer loginBody =
                Buffer.buffer("grant_type=password&client_id=bench-app&username=bench&password=bench-password-1");

        Function<Integer, Future<Boolean>> clientCredentials = lane -> client.request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .putHeader("Authorization", basic)
                .sendBuffer(ccBody)
                .map(r -> r.statusCode() == 200);
        Function<Integer, Future<Boolean>> password = lane -> client.request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(loginBody)
                .map(r -> r.statusCode() == 200);
        // One session per connection; each lane refreshes with the token its last refresh returned.
        List<String> chains = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            chains.add(Await.result(password(client, loginBody)));
        }
        Function<Integer, Future<Boolean>> refresh = lane -> client.request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(
                        Buffer.buffer("grant_type=refresh_token&client_id=bench-app&refresh_token=" + chains.get(lane)))
                .map(r -> {
                    if (r.statusCode() != 200) {
                        return false;
                    }
                    chains.set(lane, r.bodyAsJsonObject().getString("refresh_token"));
                    return true;
                });

        System.out.printf(
                "auth-server token benchmark: %d cores, %d connections, %d s per grant, Argon2id m=%d KiB t=%d p=%d%n",
                cores, CONNECTIONS, seconds, argon2.memoryKib(), argon2.iterations(), argon2.parallelism());
        // Warm every path first so the JIT has compiled them before anything is timed.
        int warmUp = Integer.getInteger("bench.warmup", 8);
        run(vertx, "warm-up cc", clientCredentials, warmUp);
        run(vertx, "warm-up refresh", refresh, warmUp);
        run(vertx, "warm-up password", password, Math.max(2, warmUp / 2));
        double hashes = argon2Rate(argon2, cores, seconds);
        double sign1 = signRate(1, seconds);
        double signAll = signRate(cores, seconds);
        // The two hops of every grant on their own: key-service's signing API and one client lookup.
        WebClient signer = WebClient.create(
                vertx,
                new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(keys.internalPort()),
                new PoolOptions().setHttp1MaxSize(CONNECTIONS));
        Function<Integer, Future<Boolean>> signOnly = lane -> {
            long now = System.currentTimeMillis() / 1000;
            io.vertx.core.json.JsonObject claims = new io.vertx.core.json.JsonObject()
                    .put("iss", ISSUER)
                    .put("sub", "bench-svc")
                    .put("aud", "resource-demo")
                    .put("iat", now)
                    .put("exp", now + 300)
                    .put("jti", Long.toHexString(System.nanoTime()) + lane)
                    .put("client_id", "bench-svc")
                    .put("scope", "notes:read");
            return signer.post("/internal/sign")
                    .putHeader("Authorization", "Bearer " + SECRET)
                    .sendJsonObject(new io.vertx.core.json.JsonObject()
                            .put("typ", "at+jwt")
                            .put("claims", claims))
                    .map(r -> r.statusCode() == 200);
        };
        Pool lookups = Database.pool(vertx, database, 16);
        Function<Integer, Future<Boolean>> clientLookup = lane -> lookups.preparedQuery(
                        "SELECT client_id, secret_hash, grant_types, scopes, audience, disabled, tokens_not_before"
                                + " FROM clients WHERE client_id = $1")
                .execute(Tuple.of("bench-svc"))
                .map(rows -> rows.size() == 1);
        double signHop = run(vertx, "/internal/sign only", signOnly, seconds);
        double lookupHop = run(vertx, "client lookup only", clientLookup, seconds);
        double cc = run(vertx, "client_credentials", clientCredentials, seconds);
        double refreshRate = run(vertx, "refresh_token", refresh, seconds);
        double login = run(vertx, "password", password, seconds);
        Await.result(vertx.close());

        System.out.println();
        System.out.printf("Argon2id verifications/s (%d threads): %.1f%n", cores, hashes);
        System.out.printf(
                "raw RSA-2048 RS256 signs/s (%s): 1 thread %.0f, %d threads %.0f%n",
                SigningProvider.best().name(), sign1, cores, signAll);
        System.out.println();
        System.out.printf(
                "client_credentials %.0f/s = %.2f x the %d-thread sign rate, %.2f x the 4,000/s aim%n",
                cc, cc / signAll, cores, cc / 4000);
        System.out.printf(
                "refresh_token      %.0f/s = %.2f x the %d-thread sign rate, %.2f x the 3,000/s aim%n",
                refreshRate, refreshRate / signAll, cores, refreshRate / 3000);
        System.out.printf("password           %.1f/s = %.2f x the Argon2id rate (aim 0.90)%n", login, login / hashes);
        System.out.printf(
                "hops with %d connections: /internal/sign %.0f/s, client lookup %.0f/s; load average %s%n",
                CONNECTIONS, signHop, lookupHop, loadAverage());
        TestPostgres.get().dropDatabase(database);
        System.exit(0);
    }

    private static String loadAverage() {
        try {
            return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg"))
                    .trim();
        } catch (java.io.IOException e) {
            return "unknown";
        }
    }

    private static Future<String> password(WebClient client, Buffer body) {
        return client.request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(body)
                .map(r -> r.bodyAsJsonObject().getString("refresh_token"));
    }

    /** Keeps one request in flight per connection for {@code seconds}; returns successes per second. */
    private static double run(Vertx vertx, String name, Function<Integer, Future<Boolean>> op, int seconds) {
        AtomicLong ok = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Future<Void>> lanes = new ArrayList<>();
        for (int lane = 0; lane < CONNECTIONS; lane++) {
            Promise<Void> done = Promise.promise();
            int l = lane;
            vertx.runOnContext(v -> loop(op, l, end, ok, failed, done));
            lanes.add(done.future());
        }
        Await.result(Future.all(lanes));
        double elapsed = (System.nanoTime() - start) / 1e9;
        double rate = ok.get() / elapsed;
        System.out.printf("%-20s %8.1f tokens/s (%d ok, %d failed)%n", name, rate, ok.get(), failed.get());
        return rate;
    }

    private static void loop(
            Function<Integer, Future<Boolean>> op,
            int lane,
            long end,
            AtomicLong ok,
            AtomicLong failed,
            Promise<Void> done) {
        if (System.nanoTime() >= end) {
            done.complete();
            return;
        }
        op.apply(lane).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            loop(op, lane, end, ok, failed, done);
        });
    }

    private static double argon2Rate(Argon2Settings settings, int threads, int seconds) throws Exception {
        Argon2id argon2 = new Argon2id(settings);
        String hash = argon2.hash("bench-password-1".toCharArray());
        return parallel(threads, seconds, () -> argon2.verify(hash, "bench-password-1".toCharArray()));
    }

    private static double signRate(int threads, int seconds) throws Exception {
        SigningProvider provider = SigningProvider.best();
        KeyPair pair = provider.generate(2048);
        byte[] input = new byte[400];
        new SecureRandom().nextBytes(input);
        return parallel(threads, seconds, () -> {
            try {
                Signature signature = provider.rs256();
                signature.initSign(pair.getPrivate());
                signature.update(input);
                return signature.sign().length > 0;
            } catch (java.security.GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private static double parallel(int threads, int seconds, java.util.function.BooleanSupplier work)
            throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (work.getAsBoolean()) {
                        done.incrementAndGet();
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }
}
