package io.latchkey.keys.bench;

import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.Wrk;
import io.latchkey.db.test.TestPostgres;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.config.KeyServiceConfig.SigningThreads;
import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Measures RS256 signing: the raw in-process rate of the JDK and of the native provider with two threads (the
 * ceilings), then {@code POST /internal/sign} over HTTP with signatures on the event loop and on workers, each
 * driven by {@code wrk} on this machine, and prints every figure as a ratio to the raw native rate.
 *
 * <pre>
 * ./mvnw -B -q -pl key-service -am test-compile -Psign-benchmark -Dspotless.check.skip=true
 * </pre>
 *
 * System properties: {@code bench.seconds} (8, per measured run), {@code bench.rounds} (2),
 * {@code bench.connections} (16), {@code bench.wrkThreads} (1).
 */
public final class SignBenchmark {
    private static final int SECONDS = Integer.getInteger("bench.seconds", 8);
    private static final int CONNECTIONS = Integer.getInteger("bench.connections", 16);
    private static final int WRK_THREADS = Integer.getInteger("bench.wrkThreads", 1);
    private static final int ROUNDS = Integer.getInteger("bench.rounds", 2);
    private static final int RAW_THREADS = 2;

    private SignBenchmark() {}

    public static void main(String[] args) throws Exception {
        String signingInput = signingInput();
        SigningProvider jdk = SigningProvider.jdk();
        SigningProvider nativeProvider = SigningProvider.nativeIfHealthy();
        System.out.printf(
                Locale.ROOT,
                "cores: %d, measured runs: %d s each%n",
                Runtime.getRuntime().availableProcessors(),
                SECONDS);

        double jdkRate = rawRate(jdk, signingInput);
        List<String[]> rows = new ArrayList<>();
        rows.add(row("raw JDK (SunRsaSign), 2 threads", jdkRate, Double.NaN, "-", "-"));
        boolean wrk = wrkAvailable();
        if (!wrk) {
            System.out.println("wrk not found (apt-get install -y wrk): HTTP runs skipped");
        }
        // Each HTTP run is bracketed by raw native runs and compared with their mean, so a ratio compares
        // figures taken under the same load on a shared machine.
        double ceiling = nativeProvider == null ? jdkRate : rawRate(nativeProvider, signingInput);
        rows.add(row(
                "raw native (" + (nativeProvider == null ? "unavailable" : nativeProvider.name()) + "), 2 threads",
                ceiling,
                ceiling,
                "-",
                "-"));
        rows.get(0)[2] = String.format(Locale.ROOT, "%.2f", jdkRate / ceiling);
        for (int round = 1; round <= ROUNDS && wrk; round++) {
            for (SigningThreads mode : List.of(SigningThreads.EVENT_LOOP, SigningThreads.WORKER)) {
                double before = ceiling;
                Wrk.Result figures = httpRun(mode);
                ceiling = nativeProvider == null ? jdkRate : rawRate(nativeProvider, signingInput);
                double bracket = (before + ceiling) / 2;
                rows.add(row(
                        "#" + round + " HTTP /internal/sign, signing on "
                                + (mode == SigningThreads.EVENT_LOOP ? "event loops" : "workers")
                                + (figures.non2xx() > 0 ? " (" + figures.non2xx() + " non-2xx!)" : ""),
                        figures.okPerSecond(),
                        bracket,
                        figures.p50(),
                        figures.p99()));
                rows.add(row("   raw native after it", ceiling, bracket, "-", "-"));
            }
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "%-62s %12s %10s %10s %10s%n", "run", "signs/s", "÷ native", "p50", "p99");
        for (String[] r : rows) {
            System.out.printf(Locale.ROOT, "%-62s %12s %10s %10s %10s%n", (Object[]) r);
        }
        System.exit(0);
    }

    private static String[] row(String name, double rate, double ceiling, String p50, String p99) {
        return new String[] {
            name,
            Double.isNaN(rate) ? "n/a" : String.format(Locale.ROOT, "%.0f", rate),
            Double.isNaN(rate) || Double.isNaN(ceiling) ? "n/a" : String.format(Locale.ROOT, "%.2f", rate / ceiling),
            p50,
            p99
        };
    }

    /** A realistic signing input: an at+jwt header and the claims auth-server sends, base64url-encoded. */
    private static String signingInput() {
        java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + "k".repeat(43) + "\"}";
        return b64.encodeToString(header.getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(TestTokens.valid()
                        .request()
                        .getJsonObject("claims")
                        .toBuffer()
                        .getBytes());
    }

    /** Signs in {@value #RAW_THREADS} threads, each with its own engine: a warm-up, then {@code SECONDS}. */
    private static double rawRate(SigningProvider provider, String signingInput) throws Exception {
        KeyPair pair = provider.generate(2048);
        PrivateKey key = provider.privateKey(pair.getPrivate().getEncoded());
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        runFor(provider, key, input, 2_000, new LongAdder());
        LongAdder count = new LongAdder();
        long start = System.nanoTime();
        runFor(provider, key, input, SECONDS * 1000L, count);
        double rate = count.sum() / ((System.nanoTime() - start) / 1e9);
        System.out.printf(Locale.ROOT, "raw %s: %.0f signs/s%n", provider.name(), rate);
        return rate;
    }

    private static void runFor(SigningProvider provider, PrivateKey key, byte[] input, long millis, LongAdder count)
            throws Exception {
        long end = System.currentTimeMillis() + millis;
        List<Thread> threads = new ArrayList<>();
        List<Exception> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < RAW_THREADS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    Signature engine = provider.rs256();
                    engine.initSign(key);
                    while (System.currentTimeMillis() < end) {
                        engine.update(input);
                        engine.sign();
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

    private static Wrk.Result httpRun(SigningThreads mode) throws Exception {
        String dbUrl = TestPostgres.get().createDatabase().url();
        KeyServiceConfig config = TestKeyService.on(dbUrl).build().withSigningThreads(mode);
        Vertx vertx = Vertx.vertx();
        try {
            KeyServiceVerticle service = TestKeyService.deploy(vertx, config);
            String body =
                    TestTokens.valid().request().encode().replace("\\", "\\\\").replace("'", "\\'");
            Path script = Wrk.script(
                    "POST",
                    null,
                    body,
                    Map.of("Content-Type", "application/json", "Authorization", "Bearer " + config.internalSecret()));
            String url = "http://127.0.0.1:" + service.internalPort() + "/internal/sign";
            Wrk.run(script, url, WRK_THREADS, CONNECTIONS, 3);
            Wrk.Result figures = Wrk.run(script, url, WRK_THREADS, CONNECTIONS, SECONDS);
            Files.deleteIfExists(script);
            System.out.printf(
                    Locale.ROOT,
                    "HTTP %s: %.0f req/s, p50 %s, p99 %s%n",
                    mode,
                    figures.okPerSecond(),
                    figures.p50(),
                    figures.p99());
            return figures;
        } finally {
            Await.result(vertx.close());
        }
    }

    private static boolean wrkAvailable() {
        try {
            return new ProcessBuilder("wrk", "--version").start().waitFor() >= 0;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }
}
