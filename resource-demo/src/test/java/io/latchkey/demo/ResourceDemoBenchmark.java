package io.latchkey.demo;

import io.latchkey.common.NativeTransport;
import io.latchkey.common.config.Env;
import io.latchkey.common.crypto.NativeCrypto;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.common.testing.Wrk;
import io.latchkey.demo.http.DemoApiRoutes;
import io.latchkey.demo.notes.InMemoryNoteStore;
import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.http.BearerAuthHandler;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Issue 6 "Measure": requests/s and p50/p99 of {@code GET /api/me} on resource-demo with a valid token, against the
 * same route with authentication off, for a repeated token (the verified-token cache) and for a token that must be
 * verified on every request (the cache disabled, so each request pays parse + RS256 verify + claim checks, exactly
 * the cost of a fresh token). Tokens are signed by a fake upstream's RSA 2048 key. Load comes from {@code wrk}
 * (apt-get install wrk), one thread, {@value #CONNECTIONS} connections; each server runs its default listeners, one per
 * core, as resource-demo does. RSA runs
 * on the provider resource-demo's {@code main} installs (ACCP where it loads), set with {@code -Dbench.jdkRsa=true}
 * to measure the JDK provider instead.
 *
 * <p>Run: {@code ./mvnw -B -q -pl resource-demo -am verify -Pbenchmark -DskipTests -Dspotless.check.skip=true}.
 * Optional system properties: {@code bench.seconds} per run (default 10), {@code bench.warmup} per case (default
 * 10), {@code bench.rounds} (default 3).
 */
public final class ResourceDemoBenchmark {
    private static final int CONNECTIONS = 32;
    private static final double REPEATED_AIM = 0.85;
    private static final double FRESH_AIM = 0.35;

    private record Result(String name, double requestsPerSecond, String p50, String p99, long non2xx) {}

    private ResourceDemoBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 10);
        int warmup = Integer.getInteger("bench.warmup", 10);
        int rounds = Integer.getInteger("bench.rounds", 3);
        boolean nativeCrypto = !Boolean.getBoolean("bench.jdkRsa") && NativeCrypto.install();
        System.out.println("RSA provider: "
                + java.security.Signature.getInstance("SHA256withRSA").getProvider()
                + (nativeCrypto ? " (native)" : " (JDK)"));
        Vertx vertx = Vertx.vertx(NativeTransport.prefer(new VertxOptions()));
        System.out.println("transport: " + NativeTransport.describe(vertx));
        try {
            TestKeys key = TestKeys.rsa2048();
            FakeUpstream upstream = new FakeUpstream(5_000, 300, key);
            Await.result(vertx.deployVerticle(upstream));
            String token = TestTokens.valid(key, upstream.issuer())
                    .scope("notes:read notes:write")
                    .expiresIn(3_600)
                    .sign();

            UnauthenticatedDemo open = new UnauthenticatedDemo();
            Await.result(vertx.deployVerticle(open));
            ResourceDemoVerticle cached = new ResourceDemoVerticle(config(upstream, 10_000));
            Await.result(vertx.deployVerticle(cached));
            ResourceDemoVerticle uncached = new ResourceDemoVerticle(config(upstream, 0));
            Await.result(vertx.deployVerticle(uncached));
            awaitReady(cached.port());
            awaitReady(uncached.port());

            String[] names = {
                "authentication off", "valid token, repeated (cache)", "valid token, verified every request"
            };
            int[] ports = {open.port(), cached.port(), uncached.port()};
            String[] tokens = {null, token, token};
            for (int i = 0; i < names.length; i++) {
                wrk(ports[i], tokens[i], warmup);
            }
            // Rounds interleave the cases so drift in machine load hits them alike; the median round is reported.
            List<List<Result>> byCase = new ArrayList<>();
            for (int i = 0; i < names.length; i++) {
                byCase.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < names.length; i++) {
                    byCase.get(i).add(run(names[i], ports[i], tokens[i], seconds));
                }
            }
            List<Result> medians = new ArrayList<>();
            for (List<Result> runs : byCase) {
                runs.forEach(r -> System.out.printf(
                        "round: %-38s %10.0f req/s p50 %s p99 %s%n",
                        r.name(), r.requestsPerSecond(), r.p50(), r.p99()));
                List<Result> sorted = new ArrayList<>(runs);
                sorted.sort(java.util.Comparator.comparingDouble(Result::requestsPerSecond));
                medians.add(sorted.get(sorted.size() / 2));
            }
            report(medians, seconds, rounds);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static ResourceDemoConfig config(FakeUpstream upstream, int cacheSize) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_ISSUER", upstream.issuer());
        env.put("LATCHKEY_FEED_CLIENT_ID", FakeUpstream.FEED_CLIENT_ID);
        env.put("LATCHKEY_FEED_CLIENT_SECRET", FakeUpstream.FEED_CLIENT_SECRET);
        env.put("LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE", Integer.toString(cacheSize));
        return ResourceDemoConfig.from(new Env(env));
    }

    private static void awaitReady(int port) {
        Await.untilEquals(
                "resource-demo ready", Duration.ofSeconds(20), 200, () -> ServiceProcess.status(port, "/health/ready"));
    }

    private static Result run(String name, int port, String token, int seconds) throws Exception {
        Wrk.Result result = wrk(port, token, seconds);
        return new Result(name, result.requests() / result.seconds(), result.p50(), result.p99(), result.non2xx());
    }

    private static Wrk.Result wrk(int port, String token, int seconds) throws IOException, InterruptedException {
        Path script =
                Wrk.script("GET", null, null, token == null ? Map.of() : Map.of("Authorization", "Bearer " + token));
        return Wrk.run(script, "http://127.0.0.1:" + port + "/api/me", 1, CONNECTIONS, seconds);
    }

    private static void report(List<Result> results, int seconds, int rounds) {
        double base = results.get(0).requestsPerSecond();
        System.out.printf(
                "%nresource-demo GET /api/me, wrk -t1 -c%d -d%ds, median of %d interleaved rounds, %d cores%n",
                CONNECTIONS, seconds, rounds, Runtime.getRuntime().availableProcessors());
        System.out.printf(
                "%-38s %12s %9s %9s %8s %10s %6s%n", "case", "req/s", "p50", "p99", "non-2xx", "vs off", "aim");
        for (Result r : results) {
            String aim = r.name().contains("repeated")
                    ? ">= " + REPEATED_AIM
                    : r.name().contains("every") ? ">= " + FRESH_AIM : "";
            System.out.printf(
                    "%-38s %12.0f %9s %9s %8d %10.2f %6s%n",
                    r.name(), r.requestsPerSecond(), r.p50(), r.p99(), r.non2xx(), r.requestsPerSecond() / base, aim);
        }
    }

    /** The same API with authentication replaced by a fixed token: the ceiling the verifier is measured against. */
    private static final class UnauthenticatedDemo extends VerticleBase {
        private HttpServer server;

        @Override
        public Future<?> start() {
            AccessToken fixed = new AccessToken(
                    "kid",
                    "http://127.0.0.1",
                    "user-1",
                    List.of("resource-demo"),
                    "demo-app",
                    "jti",
                    Optional.of("sid"),
                    "notes:read notes:write",
                    Set.of("notes:read", "notes:write"),
                    0,
                    Long.MAX_VALUE / 2,
                    new JsonObject());
            Router router = Router.router(vertx);
            new DemoApiRoutes(
                            new InMemoryNoteStore(Clock.systemUTC()),
                            ctx -> {
                                ctx.put(BearerAuthHandler.ACCESS_TOKEN, fixed);
                                ctx.next();
                            },
                            "resource-demo")
                    .mount(router);
            server = vertx.createHttpServer();
            return server.requestHandler(router).listen(0, "127.0.0.1");
        }

        int port() {
            return server.actualPort();
        }
    }
}
