package io.latchkey.common.bench;

import io.latchkey.common.http.MetricsRoutes;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.testing.Wrk;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * What the operability pieces cost per request: the same tiny route served plain (the ceiling), with Micrometer
 * HTTP server metrics, and with metrics plus the request-id handler; then the cost of a {@code /metrics} scrape.
 * Load comes from {@code wrk} (one thread, 32 connections); each server runs on one event loop of its own Vert.x
 * instance; rounds are interleaved and the median is reported, as a ratio of the plain rate.
 *
 * <pre>./mvnw -B -q -pl common -am verify -Pbenchmark -DskipTests -Dspotless.check.skip=true</pre>
 */
public final class OperabilityBenchmark {
    private static final int CONNECTIONS = 32;
    private static final double AIM = 0.90;

    private record Result(String name, double requestsPerSecond, String p50, String p99) {}

    private OperabilityBenchmark() {}

    public static void main(String[] args) throws Exception {
        int seconds = Integer.getInteger("bench.seconds", 5);
        int rounds = Integer.getInteger("bench.rounds", 3);
        List<Vertx> instances = new ArrayList<>();
        try {
            Vertx plain = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
            instances.add(plain);
            ServiceMetrics metered = ServiceMetrics.create();
            Vertx withMetrics = metered.vertx(new VertxOptions().setEventLoopPoolSize(1));
            instances.add(withMetrics);
            ServiceMetrics meteredIds = ServiceMetrics.create();
            Vertx withMetricsAndIds = meteredIds.vertx(new VertxOptions().setEventLoopPoolSize(1));
            instances.add(withMetricsAndIds);

            String[] names = {"plain (ceiling)", "HTTP server metrics", "metrics + request id"};
            int[] ports = {
                listen(plain, null, false),
                listen(withMetrics, metered, false),
                listen(withMetricsAndIds, meteredIds, true)
            };
            for (int port : ports) {
                wrk(port, "/hello", 2); // warm-up
            }
            List<List<Result>> byCase = new ArrayList<>();
            for (int i = 0; i < ports.length; i++) {
                byCase.add(new ArrayList<>());
            }
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < ports.length; i++) {
                    byCase.get(i).add(run(names[i], ports[i], "/hello", seconds));
                }
            }
            List<Result> medians = new ArrayList<>();
            for (List<Result> runs : byCase) {
                List<Result> sorted = new ArrayList<>(runs);
                sorted.sort(Comparator.comparingDouble(Result::requestsPerSecond));
                medians.add(sorted.get(sorted.size() / 2));
            }
            Result scrape = run("GET /metrics (scrape)", ports[2], "/metrics", seconds);
            report(medians, scrape, seconds, rounds);
        } finally {
            for (Vertx vertx : instances) {
                vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
            }
        }
    }

    private static int listen(Vertx vertx, ServiceMetrics metrics, boolean requestIds) throws Exception {
        Router router = Router.router(vertx);
        if (requestIds) {
            RequestIdHandler.mount(router);
        }
        if (metrics != null) {
            MetricsRoutes.mount(router, metrics);
        }
        router.get("/hello").handler(ctx -> ctx.response().end("hello"));
        HttpServer server = vertx.createHttpServer()
                .requestHandler(router)
                .listen(0, "127.0.0.1")
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        return server.actualPort();
    }

    private static Result run(String name, int port, String path, int seconds) throws Exception {
        Wrk.Result result = wrk(port, path, seconds);
        return new Result(name, result.requests() / result.seconds(), result.p50(), result.p99());
    }

    private static Wrk.Result wrk(int port, String path, int seconds) throws Exception {
        return Wrk.run(
                Wrk.script("GET", null, null, Map.of()), "http://127.0.0.1:" + port + path, 1, CONNECTIONS, seconds);
    }

    private static void report(List<Result> results, Result scrape, int seconds, int rounds) {
        double base = results.get(0).requestsPerSecond();
        System.out.printf(
                "%nGET /hello, wrk -t1 -c%d -d%ds, median of %d interleaved rounds, %d cores%n",
                CONNECTIONS, seconds, rounds, Runtime.getRuntime().availableProcessors());
        System.out.printf("%-28s %12s %9s %9s %10s %6s%n", "case", "req/s", "p50", "p99", "vs plain", "aim");
        for (Result r : results) {
            System.out.printf(
                    "%-28s %12.0f %9s %9s %10.2f %6s%n",
                    r.name(),
                    r.requestsPerSecond(),
                    r.p50(),
                    r.p99(),
                    r.requestsPerSecond() / base,
                    r == results.get(0) ? "" : ">= " + AIM);
        }
        System.out.printf(
                "%-28s %12.0f %9s %9s %10.2f%n",
                scrape.name(),
                scrape.requestsPerSecond(),
                scrape.p50(),
                scrape.p99(),
                scrape.requestsPerSecond() / base);
    }
}
