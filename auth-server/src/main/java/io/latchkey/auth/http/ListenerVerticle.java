package io.latchkey.auth.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One more HTTP listener on its own event loop, sharing the main listener's port, with a router built over the
 * same services: Vert.x spreads connections over the listeners, so every core serves requests.
 */
public final class ListenerVerticle extends VerticleBase {
    private final Function<io.vertx.core.Vertx, Router> router;
    private final HttpServerOptions options;
    private HttpServer server;

    public ListenerVerticle(Function<io.vertx.core.Vertx, Router> router, HttpServerOptions options) {
        this.router = router;
        this.options = options;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(options);
        return server.requestHandler(router.apply(vertx)).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
    }
}
