package io.latchkey.common.http;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One more HTTP listener on its own event loop, sharing the main listener's port, with a router built over the
 * same services: Vert.x spreads connections over the listeners, so every core serves requests.
 */
public final class ListenerVerticle extends VerticleBase {
    private static final AtomicInteger RANDOM_PORT_KEYS = new AtomicInteger(20_000);

    private final Function<Vertx, Router> router;
    private final HttpServerOptions options;
    private final ConnectionGuard guard;
    private HttpServer server;

    public ListenerVerticle(Function<Vertx, Router> router, HttpServerOptions options, ConnectionGuard guard) {
        this.router = router;
        this.options = options;
        this.guard = guard;
    }

    /**
     * The port to give every listener of one service: port 0 becomes a negative key unique to the caller, so all
     * its listeners share one random port (Vert.x gives each listener of port 0 its own).
     */
    public static int sharedPort(int configured) {
        return configured == 0 ? -RANDOM_PORT_KEYS.incrementAndGet() : configured;
    }

    /**
     * Deploys {@code total - 1} listeners beside the one the caller already runs, under the caller's {@code guard}
     * (one connection bound for the port, however many event loops serve it).
     */
    public static Future<?> deployMore(
            Vertx vertx, int total, Function<Vertx, Router> router, HttpServerOptions options, ConnectionGuard guard) {
        if (total <= 1) {
            return Future.succeededFuture();
        }
        return vertx.deployVerticle(
                () -> new ListenerVerticle(router, options, guard), new DeploymentOptions().setInstances(total - 1));
    }

    @Override
    public Future<?> start() {
        server = guard.install(vertx.createHttpServer(options));
        return server.requestHandler(router.apply(vertx)).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
    }
}
