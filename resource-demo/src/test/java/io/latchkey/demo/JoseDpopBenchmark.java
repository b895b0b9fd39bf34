package io.latchkey.demo;

import io.latchkey.common.NativeTransport;
import io.latchkey.common.config.Env;
import io.latchkey.common.crypto.NativeCrypto;
import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.common.testing.TestDpopProof;
import io.latchkey.common.testing.TestJoseKey;
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
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issues 19 and 20 "Measure": {@code GET /api/me} on resource-demo with (a) a token verified on every request, ES256
 * against RS256 (the verified-token cache off, so each request pays parse + signature + claims: the cost of a fresh
 * token), and (b) a DPoP-bound token from the cache with a fresh proof on every request against the same token as
 * Bearer from the cache, all against authentication off. Proofs are signed ahead of each run (one per request, each
 * used once: a replayed one would be refused) with {@code bench.proofAlg} (ES256 by default; RS256 or EdDSA), and
 * replayed by {@code wrk} (one thread, {@value #CONNECTIONS} connections) from a file; a run that outlasts its proofs
 * shows non-2xx responses (replays refused), so raise {@code bench.proofRate} until there are none. Signatures run on the provider
 * resource-demo's {@code main} installs (ACCP where it loads); {@code -Dbench.jdk=true} measures the JDK's instead.
 *
 * <p>Run: {@code ./mvnw -B -q -pl resource-demo -am verify -Pbenchmark -DskipTests -Dspotless.check.skip=true
 * -Dbench.main=io.latchkey.demo.JoseDpopBenchmark}. Optional: {@code bench.seconds} per run (default 8),
 * {@code bench.rounds} (default 3), {@code bench.proofRate} proofs signed per second of run (default 10000).
 */
public final class JoseDpopBenchmark {
    private static final int CONNECTIONS = 32;
    private static final double DPOP_AIM = 0.3;

    private record Result(String name, double okPerSecond, String p50, String p99, long non2xx) {}

    private record Case(String name, int port, String token, String scheme, Path proofs) {}

    private JoseDpopBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 8);
        int rounds = Integer.getInteger("bench.rounds", 3);
        int proofRate = Integer.getInteger("bench.proofRate", 10_000);
        JwsAlgorithm proofAlg = JwsAlgorithm.fromHeader(System.getProperty("bench.proofAlg", "ES256"))
                .orElseThrow();
        boolean nativeCrypto = !Boolean.getBoolean("bench.jdk") && NativeCrypto.install();
        System.out.println("providers: RSA "
                + Signature.getInstance("SHA256withRSA").getProvider().getName()
                + ", ECDSA "
                + Signature.getInstance("SHA256withECDSA").getProvider().getName()
                + ", Ed25519 " + Signature.getInstance("Ed25519").getProvider().getName()
                + (nativeCrypto ? " (native installed)" : " (JDK)"));
        Vertx vertx = Vertx.vertx(NativeTransport.prefer(new VertxOptions()));
        try {
            TestKeys rsa = TestKeys.rsa2048();
            TestKeys ec = TestKeys.es256();
            TestJoseKey client = TestJoseKey.of(proofAlg);
            FakeUpstream upstream = new FakeUpstream(5_000, 300, rsa, ec);
            Await.result(vertx.deployVerticle(upstream));
            String rsToken = token(rsa, upstream).sign();
            String esToken = token(ec, upstream).sign();
            String boundToken = token(ec, upstream).boundTo(client.thumbprint()).sign();

            Open open = new Open();
            Await.result(vertx.deployVerticle(open));
            ResourceDemoVerticle uncached = new ResourceDemoVerticle(config(upstream, 0));
            Await.result(vertx.deployVerticle(uncached));
            ResourceDemoVerticle cached = new ResourceDemoVerticle(config(upstream, 10_000));
            Await.result(vertx.deployVerticle(cached));
            awaitReady(uncached.port());
            awaitReady(cached.port());
            String htu = "http://127.0.0.1:" + cached.port() + "/api/me";
            System.out.printf(
                    "token sizes: RS256 %d, ES256 %d, ES256 DPoP-bound %d characters; %s proof %d characters%n",
                    rsToken.length(),
                    esToken.length(),
                    boundToken.length(),
                    proofAlg.jwsName(),
                    proof(client, htu, boundToken).length());

            List<Case> cases = new ArrayList<>(List.of(
                    new Case("authentication off", open.port(), null, null, null),
                    new Case("RS256, verified every request", uncached.port(), rsToken, "Bearer", null),
                    new Case("ES256, verified every request", uncached.port(), esToken, "Bearer", null),
                    new Case("Bearer ES256, token cached", cached.port(), esToken, "Bearer", null),
                    new Case(
                            "DPoP " + proofAlg.jwsName() + " proof, token cached",
                            cached.port(),
                            boundToken,
                            "DPoP",
                            null)));
            int count = proofRate * (seconds + 2);
            // Warm-up: every case once, the DPoP one with proofs of its own.
            for (Case c : cases) {
                run(withProofs(c, client, htu, count), Math.max(3, seconds / 2));
            }
            List<List<Result>> byCase = new ArrayList<>();
            cases.forEach(c -> byCase.add(new ArrayList<>()));
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < cases.size(); i++) {
                    byCase.get(i).add(run(withProofs(cases.get(i), client, htu, count), seconds));
                }
            }
            List<Result> medians = new ArrayList<>();
            for (List<Result> runs : byCase) {
                runs.forEach(r -> System.out.printf(
                        "round: %-36s %9.0f ok/s p50 %s p99 %s non-2xx %d%n",
                        r.name(), r.okPerSecond(), r.p50(), r.p99(), r.non2xx()));
                List<Result> sorted = new ArrayList<>(runs);
                sorted.sort(Comparator.comparingDouble(Result::okPerSecond));
                medians.add(sorted.get(sorted.size() / 2));
            }
            report(medians, seconds, rounds);
        } finally {
            vertx.close().toCompletionStage().toCompletableFuture().get();
        }
    }

    private static TestTokens token(TestKeys key, FakeUpstream upstream) {
        return TestTokens.valid(key, upstream.issuer())
                .scope("notes:read notes:write")
                .expiresIn(3_600);
    }

    private static String proof(TestJoseKey key, String htu, String token) {
        return TestDpopProof.by(key).htm("GET").htu(htu).accessToken(token).sign();
    }

    /** The case with a fresh file of {@code count} proofs signed now, when it is a DPoP case. */
    private static Case withProofs(Case c, TestJoseKey key, String htu, int count) throws Exception {
        if (!"DPoP".equals(c.scheme())) {
            return c;
        }
        Path file = Files.createTempFile("bench-proofs-", ".txt");
        file.toFile().deleteOnExit();
        // Signed on every core (an RS256 proof costs about a millisecond to make), all with iat 55 s ahead, so that
        // those signed first are still inside the 65 s window when the last ones are used.
        long iat = Instant.now().getEpochSecond() + 55;
        Files.writeString(
                file,
                IntStream.range(0, count)
                        .parallel()
                        .mapToObj(i -> TestDpopProof.by(key)
                                .htm("GET")
                                .htu(htu)
                                .accessToken(c.token())
                                .iat(iat)
                                .sign())
                        .collect(Collectors.joining("\n", "", "\n")));
        return new Case(c.name(), c.port(), c.token(), c.scheme(), file);
    }

    private static Result run(Case c, int seconds) throws Exception {
        Path script;
        String[] scriptArgs = {};
        if (c.token() == null) {
            script = Wrk.script("GET", null, null, Map.of());
        } else if (c.proofs() == null) {
            script = Wrk.script("GET", null, null, Map.of("Authorization", c.scheme() + " " + c.token()));
        } else {
            // One proof per request, in order; past the end they would repeat and be refused as replays.
            script = Wrk.lua("""
                    local proofs = {}
                    local n = 0
                    local i = 0
                    local auth = nil
                    init = function(args)
                      auth = "DPoP " .. args[2]
                      for line in io.lines(args[1]) do
                        n = n + 1
                        proofs[n] = line
                      end
                    end
                    request = function()
                      i = i + 1
                      if i > n then i = 1 end
                      return wrk.format("GET", nil, {["Authorization"] = auth, ["DPoP"] = proofs[i]}, nil)
                    end
                    """);
            scriptArgs = new String[] {c.proofs().toString(), c.token()};
        }
        Wrk.Result result =
                Wrk.run(script, "http://127.0.0.1:" + c.port() + "/api/me", 1, CONNECTIONS, seconds, scriptArgs);
        return new Result(c.name(), result.okPerSecond(), result.p50(), result.p99(), result.non2xx());
    }

    private static ResourceDemoConfig config(FakeUpstream upstream, int cacheSize) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_ISSUER", upstream.issuer());
        env.put("LATCHKEY_FEED_CLIENT_ID", FakeUpstream.FEED_CLIENT_ID);
        env.put("LATCHKEY_FEED_CLIENT_SECRET", FakeUpstream.FEED_CLIENT_SECRET);
        env.put("LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE", Integer.toString(cacheSize));
        // Every proof of the warm-up and the rounds within the 65 s acceptance.
        env.put("LATCHKEY_DPOP_REPLAY_CACHE_SIZE", "4000000");
        return ResourceDemoConfig.from(new Env(env));
    }

    private static void awaitReady(int port) {
        Await.untilEquals(
                "resource-demo ready", Duration.ofSeconds(20), 200, () -> ServiceProcess.status(port, "/health/ready"));
    }

    private static void report(List<Result> results, int seconds, int rounds) {
        double base = results.get(0).okPerSecond();
        double bearer = results.stream()
                .filter(r -> r.name().startsWith("Bearer"))
                .findFirst()
                .orElseThrow()
                .okPerSecond();
        double rs = results.get(1).okPerSecond();
        System.out.printf(
                "%nresource-demo GET /api/me, wrk -t1 -c%d -d%ds, median of %d interleaved rounds, %d cores%n",
                CONNECTIONS, seconds, rounds, Runtime.getRuntime().availableProcessors());
        System.out.printf(
                "%-36s %10s %9s %9s %8s %7s %9s %8s %6s%n",
                "case", "ok/s", "p50", "p99", "non-2xx", "vs off", "vs RS256", "vs Bearer", "aim");
        for (Result r : results) {
            System.out.printf(
                    "%-36s %10.0f %9s %9s %8d %7.2f %9.2f %8.2f %6s%n",
                    r.name(),
                    r.okPerSecond(),
                    r.p50(),
                    r.p99(),
                    r.non2xx(),
                    r.okPerSecond() / base,
                    r.okPerSecond() / rs,
                    r.okPerSecond() / bearer,
                    r.name().startsWith("DPoP") ? ">= " + DPOP_AIM : "");
        }
    }

    /** The same API with authentication replaced by a fixed token: the ceiling everything is measured against. */
    private static final class Open extends VerticleBase {
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
