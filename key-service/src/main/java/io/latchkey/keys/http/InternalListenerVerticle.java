package io.latchkey.keys.http;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * One more internal listener on another event loop, bound to the same host and port as the first: Vert.x shares
 * the port and spreads connections across the listeners, so signatures on the event loop use every core. The
 * routes and the services behind them are shared; only the router is built per event loop.
 */
public final class InternalListenerVerticle extends VerticleBase {
    private final Function<Vertx, Router> routes;
    private final HttpServerOptions options;
    private HttpServer server;

    /** {@code options} name the first listener's host and port, and its TLS. */
    public InternalListenerVerticle(Function<Vertx, Router> routes, HttpServerOptions options) {
        this.routes = routes;
        this.options = options;
    }

    @Override
    public Future<?> start() {
        server = vertx.createHttpServer(new HttpServerOptions(options));
        return server.requestHandler(routes.apply(vertx)).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
    }
}
