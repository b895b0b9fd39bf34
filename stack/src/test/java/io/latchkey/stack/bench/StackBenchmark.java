package io.latchkey.stack.bench;

import io.latchkey.common.config.DevValues;
import io.latchkey.common.crypto.NativeCrypto;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.common.testing.Wrk;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.latchkey.stack.LoopbackHttp;
import io.latchkey.stack.Replica;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * The one benchmark of the whole stack: starts key-service, auth-server and resource-demo (plus a second
 * resource-demo with its verified-token cache off) as separate JVMs on one PostgreSQL, measures, and writes
 * {@code stack/BENCHMARKS.md}. Every figure stands beside its ceiling as a ratio: tokens per second beside the
 * raw RS256 sign rate, verified requests beside the same server's unauthenticated route and the raw verify rate,
 * propagation beside the 1 s bound. HTTP load comes from {@code wrk}; refresh-token chains (each token is used
 * once) from a closed loop of ours. Loopback only; bounded by the run lengths below.
 *
 * <pre>
 * apt-get install -y wrk   # once
 * ./mvnw -B -q -pl stack -am verify -Pstack-benchmark -DskipTests -Dspotless.check.skip=true
 * </pre>
 *
 * System properties: {@code bench.seconds} (6, per measured run), {@code bench.warmup} (10, before each),
 * {@code bench.tokenWarmup} (30, more client_credentials load before the first token figure),
 * {@code bench.connections} (32),
 * {@code bench.revocations} (50), {@code bench.out} (the report file).
 */
public final class StackBenchmark {
    private static final int SECONDS = Integer.getInteger("bench.seconds", 6);
    // The JIT keeps compiling for the first seconds of load; figures before that measure the compiler.
    private static final int WARMUP_SECONDS = Integer.getInteger("bench.warmup", 10);
    private static final int TOKEN_WARMUP_SECONDS = Integer.getInteger("bench.tokenWarmup", 30);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 32);
    private static final int WRK_THREADS = 2;
    private static final int ROUNDS = 3;
    private static final int REVOCATIONS = Integer.getInteger("bench.revocations", 50);
    private static final int RAW_THREADS = 2;
    private static final int HEAP_MIB = 256;
    private static final List<String> JVM_OPTIONS = List.of("-Xmx" + HEAP_MIB + "m");
    private static final String USER = "bench-user";
    private static final String PASSWORD = "bench-user-password-0123456789";
    private static final LoopbackHttp HTTP = new LoopbackHttp();

    private final List<String[]> rows = new ArrayList<>();
    private final long started = System.nanoTime();

    private StackBenchmark() {}

    public static void main(String[] args) throws Exception {
        int status = 0;
        try {
            new StackBenchmark().run(Path.of(System.getProperty("bench.out", "BENCHMARKS.md")));
        } catch (Exception | AssertionError e) {
            e.printStackTrace();
            status = 1;
        }
        // The fixture's shutdown hook stops embedded PostgreSQL.
        System.exit(status);
    }

    private void run(Path out) throws Exception {
        boolean nativeRsa = NativeCrypto.install();
        progress("raw RS256 in this JVM (" + (nativeRsa ? "native provider" : "JDK provider") + ")");
        KeyPair pair = rsaKeyPair();
        double signRate = rawRate(pair, true);
        double verifyRate = rawRate(pair, false);
        row("raw RS256 sign, 2 threads", signRate, "signs/s", signRate, "itself");
        row("raw RS256 verify, 2 threads", verifyRate, "verifies/s", verifyRate, "itself");
        progress("raw Argon2id at auth-server's defaults");
        double hashRate = rawArgon2Rate();
        row("raw Argon2id (19 MiB, 2 passes, 1 lane), 2 threads", hashRate, "hashes/s", hashRate, "itself");

        progress("bare JVM start");
        double jvmMillis = bareJvmMillis();
        Path dir = Files.createTempDirectory("latchkey-bench-");
        DatabaseSettings database = TestPostgres.get().createDatabase();
        List<Replica> services = new ArrayList<>();
        try {
            Stack stack = Stack.start(database, dir, services);
            for (Replica service : services) {
                row(
                        "start of " + service.name() + " (JVM start to /health/ready)",
                        stack.startMillis.get(service.name()),
                        "ms",
                        jvmMillis,
                        "a bare JVM's `-version`");
            }
            measure(stack, signRate, verifyRate, hashRate);
            progress("resident memory");
            for (Replica service : services) {
                double mib = service.process().residentKib() / 1024.0;
                row("resident memory of " + service.name(), mib, "MiB", HEAP_MIB, "its -Xmx heap cap");
            }
        } finally {
            services.forEach(service -> service.process().close());
            TestPostgres.get().dropDatabase(database);
        }
        write(out);
        progress("wrote " + out.toAbsolutePath());
    }

    private void measure(Stack stack, double signRate, double verifyRate, double hashRate) throws Exception {
        String token = stack.auth.url() + "/oauth2/token";

        progress("client_credentials tokens");
        Path cc = Wrk.script(
                "POST",
                "/oauth2/token",
                "grant_type=client_credentials",
                Map.of(
                        "Authorization",
                        LoopbackHttp.basic("demo-service", DevValues.DEMO_SERVICE_SECRET),
                        "Content-Type",
                        "application/x-www-form-urlencoded"));
        // Two JVMs compile the token path at once; the first half minute of load measures C2 more than Latchkey.
        Wrk.run(cc, token, WRK_THREADS, CONNECTIONS, TOKEN_WARMUP_SECONDS);
        Figure ccRun = wrk(cc, token);
        rowWrk("client_credentials tokens", ccRun, "tokens/s", signRate, "raw sign");

        progress("password tokens (Argon2id at its defaults)");
        Path password = Wrk.script(
                "POST",
                "/oauth2/token",
                "grant_type=password&client_id=demo-app&username=" + USER + "&password=" + PASSWORD,
                Map.of("Content-Type", "application/x-www-form-urlencoded"));
        Figure passwordRun = wrk(password, token, () -> awaitNoLoginBacklog(stack.authManagementUrl));
        // A password login costs one Argon2id verification and one signature: the hash is the ceiling.
        rowWrk("password tokens", passwordRun, "tokens/s", hashRate, "raw Argon2id");

        progress("refresh tokens (" + CONNECTIONS + " rotating chains)");
        ClosedLoop refresh = refreshChains(stack, token);
        rows.add(new String[] {
            "refresh tokens (closed loop of ours)",
            fmt(refresh.rate()) + " tokens/s" + (refresh.failures() > 0 ? " (" + refresh.failures() + " failed!)" : ""),
            fmt(signRate) + " (raw sign)",
            ratio(refresh.rate(), signRate),
            refresh.p50() + " / " + refresh.p99()
        });
        System.out.printf(
                Locale.ROOT,
                "    refresh tokens: %s tokens/s, p50 %s, p99 %s, %d failed%n",
                fmt(refresh.rate()),
                refresh.p50(),
                refresh.p99(),
                refresh.failures());

        progress("JWKS");
        Path get = Wrk.script("GET", null, null, Map.of());
        Figure live = wrk(get, stack.keys.url() + "/health/live");
        Figure jwks = wrk(get, stack.keys.url() + "/.well-known/jwks.json");
        rowWrk("key-service GET /health/live", live, "req/s", live.rate(), "itself");
        rowWrk("JWKS GET /.well-known/jwks.json", jwks, "req/s", live.rate(), "/health/live");

        progress("resource-demo");
        String access = new JsonObject(HTTP.form(
                                token,
                                LoopbackHttp.basic("demo-service", DevValues.DEMO_SERVICE_SECRET),
                                Map.of("grant_type", "client_credentials"))
                        .body())
                .getString("access_token");
        Path me = Wrk.script("GET", null, null, Map.of("Authorization", "Bearer " + access));
        // Warm all three, then three interleaved rounds and the median of each: one-off runs in a row swing with
        // the machine's drift far more than the cases differ.
        String demoLiveUrl = stack.demo.url() + "/health/live";
        String cachedUrl = stack.demo.url() + "/api/me";
        String uncachedUrl = stack.demoNoCache.url() + "/api/me";
        Wrk.run(get, demoLiveUrl, WRK_THREADS, CONNECTIONS, WARMUP_SECONDS);
        Wrk.run(me, cachedUrl, WRK_THREADS, CONNECTIONS, WARMUP_SECONDS);
        Wrk.run(me, uncachedUrl, WRK_THREADS, CONNECTIONS, WARMUP_SECONDS);
        List<Figure> lives = new ArrayList<>();
        List<Figure> caches = new ArrayList<>();
        List<Figure> uncaches = new ArrayList<>();
        for (int round = 0; round < ROUNDS; round++) {
            lives.add(measured(get, demoLiveUrl));
            caches.add(measured(me, cachedUrl));
            uncaches.add(measured(me, uncachedUrl));
        }
        Figure demoLive = median(lives);
        Figure cached = median(caches);
        Figure uncached = median(uncaches);
        rowWrk("resource-demo GET /health/live (unauthenticated)", demoLive, "req/s", demoLive.rate(), "itself");
        rowWrk(
                "resource-demo GET /api/me, one token (verified-token cache)",
                cached,
                "req/s",
                demoLive.rate(),
                "unauthenticated");
        rowWrk(
                "resource-demo GET /api/me, cache off (RS256 every request)",
                uncached,
                "req/s",
                demoLive.rate(),
                "unauthenticated");
        rowWrk("  the same against the raw verify rate", uncached, "req/s", verifyRate, "raw verify");

        progress("revocation propagation (" + REVOCATIONS + " logouts)");
        List<Long> micros = propagation(stack, token);
        Collections.sort(micros);
        double p50 = micros.get(micros.size() / 2) / 1000.0;
        double p99 = micros.get(Math.min(micros.size() - 1, (int) Math.ceil(micros.size() * 0.99) - 1)) / 1000.0;
        row("revocation propagation p50 (logout 204 to 401 at resource-demo)", p50, "ms", 1000, "the 1 s bound");
        row("revocation propagation p99", p99, "ms", 1000, "the 1 s bound");
    }

    /** Logs in, checks the token works, logs out, and presents it until refused: the time from 204 to 401. */
    private static List<Long> propagation(Stack stack, String tokenUrl) throws Exception {
        List<Long> micros = new ArrayList<>();
        for (int i = 0; i < REVOCATIONS; i++) {
            HttpResponse<String> login = HTTP.form(
                    tokenUrl,
                    null,
                    Map.of("grant_type", "password", "client_id", "demo-app", "username", USER, "password", PASSWORD));
            String token = new JsonObject(login.body()).getString("access_token");
            if (HTTP.get(stack.demo.url() + "/api/me", token).statusCode() != 200) {
                throw new IllegalStateException("a fresh token was refused");
            }
            HttpResponse<String> logout = HTTP.post(stack.auth.url() + "/logout", token);
            long acknowledged = System.nanoTime();
            if (logout.statusCode() != 204) {
                throw new IllegalStateException("logout answered " + logout.statusCode());
            }
            long deadline = acknowledged + TimeUnit.SECONDS.toNanos(10);
            while (HTTP.get(stack.demo.url() + "/api/me", token).statusCode() == 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("a revoked token was accepted for 10 s");
                }
            }
            micros.add(TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - acknowledged));
        }
        return micros;
    }

    /** {@code CONNECTIONS} sessions, each refreshing its own chain in turn: a refresh token is single-use. */
    private static ClosedLoop refreshChains(Stack stack, String tokenUrl) throws Exception {
        List<String> refreshTokens = new ArrayList<>();
        for (int i = 0; i < CONNECTIONS; i++) {
            HttpResponse<String> login = HTTP.form(
                    tokenUrl,
                    null,
                    Map.of("grant_type", "password", "client_id", "demo-app", "username", USER, "password", PASSWORD));
            refreshTokens.add(new JsonObject(login.body()).getString("refresh_token"));
        }
        return ClosedLoop.run(refreshTokens, WARMUP_SECONDS, SECONDS, refreshToken -> {
            HttpResponse<String> response = HTTP.form(
                    tokenUrl,
                    null,
                    Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", "demo-app"));
            return response.statusCode() == 200 ? new JsonObject(response.body()).getString("refresh_token") : null;
        });
    }

    private static KeyPair rsaKeyPair() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        return generator.generateKeyPair();
    }

    /** Signs or verifies a token-sized input in {@value #RAW_THREADS} threads: a warm-up, then the measured run. */
    private static double rawRate(KeyPair pair, boolean sign) throws Exception {
        byte[] input =
                ("eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9." + "x".repeat(400)).getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance("SHA256withRSA");
        signer.initSign(pair.getPrivate());
        signer.update(input);
        byte[] signature = signer.sign();
        runFor(pair, input, signature, sign, WARMUP_SECONDS, new LongAdder());
        LongAdder count = new LongAdder();
        long start = System.nanoTime();
        runFor(pair, input, signature, sign, SECONDS, count);
        return count.sum() / ((System.nanoTime() - start) / 1e9);
    }

    /** Argon2id with auth-server's default parameters, {@value #RAW_THREADS} threads, one measured run. */
    private static double rawArgon2Rate() throws Exception {
        LongAdder count = new LongAdder();
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(SECONDS);
        List<Thread> threads = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < RAW_THREADS; t++) {
            Thread thread = new Thread(() -> {
                byte[] salt = new byte[16];
                new SecureRandom().nextBytes(salt);
                byte[] hash = new byte[32];
                while (System.nanoTime() < end) {
                    Argon2BytesGenerator generator = new Argon2BytesGenerator();
                    generator.init(new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                            .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                            .withMemoryAsKB(19_456)
                            .withIterations(2)
                            .withParallelism(1)
                            .withSalt(salt)
                            .build());
                    generator.generateBytes(PASSWORD.toCharArray(), hash);
                    count.increment();
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        return count.sum() / ((System.nanoTime() - start) / 1e9);
    }

    private static void runFor(KeyPair pair, byte[] input, byte[] signature, boolean sign, int seconds, LongAdder count)
            throws Exception {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Exception> failures = new CopyOnWriteArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < RAW_THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    Signature engine = Signature.getInstance("SHA256withRSA");
                    while (System.nanoTime() < end) {
                        if (sign) {
                            engine.initSign(pair.getPrivate());
                            engine.update(input);
                            engine.sign();
                        } else {
                            engine.initVerify(pair.getPublic());
                            engine.update(input);
                            if (!engine.verify(signature)) {
                                throw new IllegalStateException("a good signature did not verify");
                            }
                        }
                        count.increment();
                    }
                } catch (Exception e) {
                    failures.add(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private static double bareJvmMillis() throws Exception {
        long start = System.nanoTime();
        Process process = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m", "-version")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.waitFor(60, TimeUnit.SECONDS);
        return (System.nanoTime() - start) / 1e6;
    }

    /**
     * Logins the warm-up left queued still run after wrk hung up; measuring before they end would start the run
     * with a full queue, and its first requests would be refused with 503.
     */
    private static void awaitNoLoginBacklog(String authManagementUrl) {
        Await.until("auth-server's login backlog drained", Duration.ofSeconds(60), () -> {
            String metrics = LoopbackHttp.unchecked(() -> HTTP.get(authManagementUrl + "/metrics", null))
                    .body();
            return PrometheusText.sum(PrometheusText.parse(metrics), "latchkey_argon2_in_flight") == 0;
        });
    }

    record Figure(double rate, String p50, String p99, long non2xx) {}

    /** A warm-up, then one measured wrk run: 2xx responses per second and the latency percentiles. */
    private static Figure wrk(Path script, String url) throws Exception {
        return wrk(script, url, () -> {});
    }

    private interface Settle {
        void await() throws Exception;
    }

    /** One measured wrk run, no warm-up. */
    private static Figure measured(Path script, String url) throws Exception {
        Wrk.Result result = Wrk.run(script, url, WRK_THREADS, CONNECTIONS, SECONDS);
        return new Figure(result.okPerSecond(), result.p50(), result.p99(), result.non2xx());
    }

    /** The run with the median rate. */
    private static Figure median(List<Figure> runs) {
        List<Figure> sorted = new ArrayList<>(runs);
        sorted.sort(java.util.Comparator.comparingDouble(Figure::rate));
        return sorted.get(sorted.size() / 2);
    }

    /** As {@link #wrk(Path, String)}, waiting for {@code settle} between the warm-up and the measured run. */
    private static Figure wrk(Path script, String url, Settle settle) throws Exception {
        Wrk.run(script, url, WRK_THREADS, CONNECTIONS, WARMUP_SECONDS);
        settle.await();
        return measured(script, url);
    }

    private void rowWrk(String name, Figure run, String unit, double ceiling, String ceilingName) {
        rows.add(new String[] {
            name,
            fmt(run.rate()) + " " + unit + (run.non2xx() > 0 ? " (" + run.non2xx() + " non-2xx!)" : ""),
            fmt(ceiling) + " (" + ceilingName + ")",
            ratio(run.rate(), ceiling),
            run.p50() + " / " + run.p99()
        });
        System.out.printf(
                Locale.ROOT, "    %s: %s %s, p50 %s, p99 %s%n", name, fmt(run.rate()), unit, run.p50(), run.p99());
    }

    private void row(String name, double value, String unit, double ceiling, String ceilingName) {
        rows.add(new String[] {
            name, fmt(value) + " " + unit, fmt(ceiling) + " (" + ceilingName + ")", ratio(value, ceiling), ""
        });
        System.out.printf(Locale.ROOT, "    %s: %s %s%n", name, fmt(value), unit);
    }

    private static String fmt(double value) {
        return value >= 100 ? String.format(Locale.ROOT, "%,.0f", value) : String.format(Locale.ROOT, "%.1f", value);
    }

    private static String ratio(double value, double ceiling) {
        double ratio = value / ceiling;
        return String.format(Locale.ROOT, ratio < 0.1 ? "%.3f" : "%.2f", ratio);
    }

    private void progress(String phase) {
        System.out.printf(Locale.ROOT, "[bench %5.1f s] %s%n", (System.nanoTime() - started) / 1e9, phase);
    }

    private void write(Path out) throws IOException {
        StringBuilder md = new StringBuilder("# Latchkey benchmarks\n\n");
        md.append(
                        "Produced by `./mvnw -B -q -pl stack -am verify -Pstack-benchmark -DskipTests -Dspotless.check.skip=true`")
                .append(" (`io.latchkey.stack.bench.StackBenchmark`) on ")
                .append(Instant.now().toString(), 0, 16)
                .append(" UTC: ")
                .append(Runtime.getRuntime().availableProcessors())
                .append(" cores, load average ")
                .append(Files.readString(Path.of("/proc/loadavg")).split(" ")[0])
                .append(" at the end. One replica of each service (`-Xmx")
                .append(HEAP_MIB)
                .append("m`, default settings) as separate JVMs on one PostgreSQL")
                .append(" (durable: fsync and synchronous_commit on) on loopback; HTTP load from `wrk`")
                .append(" (")
                .append(WRK_THREADS)
                .append(" threads, ")
                .append(CONNECTIONS)
                .append(" connections, ")
                .append(SECONDS)
                .append(" s after a ")
                .append(WARMUP_SECONDS)
                .append(" s warm-up, ")
                .append(TOKEN_WARMUP_SECONDS)
                .append(" s more of client_credentials before the first token figure; resource-demo's three figures")
                .append(" are the medians of ")
                .append(ROUNDS)
                .append(" interleaved rounds); refresh chains from a closed")
                .append(" loop of ours. The machine is shared and its speed drifts by tens of percent within minutes,")
                .append(" so compare ratios rather than absolute figures. The token-grant figures against their aims")
                .append(" come from auth-server's `-Ptoken-benchmark` (both services in one JVM, as in the dev")
                .append(" stack).\n\n");
        md.append("| figure | measured | ceiling | ratio | p50 / p99 |\n| --- | ---: | ---: | ---: | ---: |\n");
        for (String[] r : rows) {
            md.append("| ").append(String.join(" | ", r)).append(" |\n");
        }
        Files.writeString(out, md.toString());
    }

    /** The services under measurement and when each was ready. */
    private record Stack(
            Replica keys,
            Replica auth,
            String authManagementUrl,
            Replica demo,
            Replica demoNoCache,
            Map<String, Double> startMillis) {

        static Stack start(DatabaseSettings database, Path dir, List<Replica> started) throws Exception {
            int[] ports = ServiceProcess.freePorts(6);
            String issuer = "http://localhost:" + ports[2];
            Map<String, String> common = new HashMap<>();
            common.put("LATCHKEY_DEV_MODE", "true");
            common.put("LATCHKEY_HOST", "127.0.0.1");
            common.put("LATCHKEY_DB_URL", database.url());
            common.put("LATCHKEY_ISSUER", issuer);
            common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);
            Map<String, Double> ready = new HashMap<>();

            Map<String, String> keysEnv = new HashMap<>(common);
            keysEnv.put("LATCHKEY_PORT", Integer.toString(ports[0]));
            keysEnv.put("LATCHKEY_INTERNAL_PORT", Integer.toString(ports[1]));
            keysEnv.put("LATCHKEY_KEK", newKek());
            Replica keys =
                    add(started, launch("key-service", "io.latchkey.keys.KeyServiceMain", ports[0], keysEnv, dir));
            ready.put(keys.name(), millis(keys));

            Map<String, String> authEnv = new HashMap<>(common);
            authEnv.put("LATCHKEY_PORT", Integer.toString(ports[2]));
            authEnv.put("LATCHKEY_JWKS_URI", keys.url() + "/.well-known/jwks.json");
            authEnv.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + ports[1]);
            authEnv.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
            authEnv.put("LATCHKEY_MANAGEMENT_PORT", Integer.toString(ports[5]));
            Replica auth =
                    add(started, launch("auth-server", "io.latchkey.auth.AuthServerMain", ports[2], authEnv, dir));
            ready.put(auth.name(), millis(auth));
            seed(auth);

            Replica demo = add(started, resourceDemo("resource-demo", ports[3], auth, common, dir, null));
            ready.put(demo.name(), millis(demo));
            Replica noCache = add(started, resourceDemo("resource-demo-nocache", ports[4], auth, common, dir, "0"));
            ready.put(noCache.name(), millis(noCache));
            return new Stack(keys, auth, "http://127.0.0.1:" + ports[5], demo, noCache, ready);
        }

        private static Replica resourceDemo(
                String name, int port, Replica auth, Map<String, String> common, Path dir, String cacheSize) {
            Map<String, String> env = new HashMap<>(common);
            env.put("LATCHKEY_PORT", Integer.toString(port));
            env.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
            env.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
            env.put("LATCHKEY_AUTH_SERVER_URLS", auth.url());
            if (cacheSize != null) {
                env.put("LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE", cacheSize);
            }
            return launch(name, "io.latchkey.demo.ResourceDemoMain", port, env, dir);
        }

        private static void seed(Replica auth) throws Exception {
            HttpResponse<String> token = HTTP.form(
                    auth.url() + "/oauth2/token",
                    LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                    Map.of("grant_type", "client_credentials"));
            String admin = new JsonObject(token.body()).getString("access_token");
            created(HTTP.postJson(
                    auth.url() + "/admin/users",
                    admin,
                    new JsonObject().put("username", USER).put("password", PASSWORD)));
            created(HTTP.postJson(
                    auth.url() + "/admin/clients",
                    admin,
                    client("demo-app", null, List.of("password", "refresh_token"), List.of("notes:read", "notes:write"))
                            .put("token_endpoint_auth_method", "none")));
            created(HTTP.postJson(
                    auth.url() + "/admin/clients",
                    admin,
                    client(
                            "demo-service",
                            DevValues.DEMO_SERVICE_SECRET,
                            List.of("client_credentials"),
                            List.of("notes:read"))));
            created(HTTP.postJson(
                    auth.url() + "/admin/clients",
                    admin,
                    client(
                            "resource-demo",
                            DevValues.RESOURCE_DEMO_SECRET,
                            List.of("client_credentials"),
                            List.of("revocations:read"))));
        }

        private static JsonObject client(String id, String secret, List<String> grants, List<String> scopes) {
            JsonObject client = new JsonObject()
                    .put("client_id", id)
                    .put("grant_types", new JsonArray(grants))
                    .put("scopes", new JsonArray(scopes))
                    .put("audience", "resource-demo");
            return secret == null ? client : client.put("client_secret", secret);
        }

        private static void created(HttpResponse<String> response) {
            if (response.statusCode() != 201) {
                throw new IllegalStateException(
                        "seeding failed: HTTP " + response.statusCode() + " " + response.body());
            }
        }

        private static Replica add(List<Replica> started, Replica replica) {
            started.add(replica);
            return replica;
        }

        /** A service JVM with the benchmark's options, not the tests' (no serial collector, no C1-only JIT). */
        private static Replica launch(String name, String mainClass, int port, Map<String, String> env, Path dir) {
            return new Replica(
                    ServiceProcess.main(name, mainClass)
                            .jvmOptions(JVM_OPTIONS)
                            .env(env)
                            .directory(dir)
                            .start(),
                    port);
        }

        private static double millis(Replica replica) {
            return replica.awaitReady(Duration.ofSeconds(90)).toMillis();
        }

        private static String newKek() {
            byte[] key = new byte[32];
            new SecureRandom().nextBytes(key);
            return Base64.getEncoder().encodeToString(key);
        }
    }
}
