package io.latchkey.common.http;

import io.latchkey.common.health.Dependencies;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.tls.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The listener for operators and orchestrators, beside a process's public ones: {@code /health/live},
 * {@code /health/ready} and {@code /metrics}, on {@code LATCHKEY_MANAGEMENT_HOST}:{@code LATCHKEY_MANAGEMENT_PORT}
 * (loopback by default). Metrics say how busy a server is and what it refuses, which is nobody else's business, so
 * they are served only here. TLS and the connection bounds are those of the process's other listeners.
 */
public final class ManagementListener {
    private static final long SHUTDOWN_SECONDS = 5;

    private final HttpServer server;

    private ManagementListener(HttpServer server) {
        this.server = server;
    }

    /**
     * Listens; {@code readiness} and {@code dependencies} as for {@link HealthRoutes}, {@code extra} Prometheus text sections appended to the
     * registry's (as {@link MetricsRoutes}).
     */
    @SafeVarargs
    public static Future<ManagementListener> start(
            Vertx vertx,
            ListenerSettings settings,
            ServerTls tls,
            ServiceMetrics metrics,
            Supplier<Future<?>> readiness,
            Dependencies dependencies,
            Supplier<String>... extra) {
        Router router = Router.router(vertx);
        RequestIdHandler.mount(router);
        Hsts.mount(router, tls);
        HealthRoutes.mount(vertx, router, readiness, dependencies);
        MetricsRoutes.mount(router, metrics, extra);
        router.errorHandler(404, ctx -> ctx.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("error", "not_found").encode()));
        HttpServerOptions options = settings.applyTo(tls.applyTo(
                new HttpServerOptions().setHost(settings.managementHost()).setPort(settings.managementPort())));
        HttpServer server = new ConnectionGuard(settings, "management").install(vertx.createHttpServer(options));
        return server.requestHandler(router).listen().map(ManagementListener::new);
    }

    /** The port it listens on (useful when configured as 0). */
    public int port() {
        return server.actualPort();
    }

    /** Stops accepting, letting a scrape in flight finish. */
    public Future<Void> stop() {
        return server.shutdown(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    }

    /** Stops {@code listener} when there is one: for a {@code stop()} after a start that failed half-way. */
    public static Future<Void> stop(ManagementListener listener) {
        return listener == null ? Future.succeededFuture() : listener.stop();
    }
}
