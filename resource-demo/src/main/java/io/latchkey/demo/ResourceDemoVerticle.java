package io.latchkey.demo;

import io.latchkey.common.http.HealthRoutes;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.util.concurrent.TimeUnit;

/** Wires the demo API behind the verifier. */
public final class ResourceDemoVerticle extends VerticleBase {
    private final ResourceDemoConfig config;
    private HttpServer server;

    public ResourceDemoVerticle(ResourceDemoConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        Router router = Router.router(vertx);
        HealthRoutes.mount(vertx, router, Future::succeededFuture);
        server = vertx.createHttpServer(
                new HttpServerOptions().setHost(config.host()).setPort(config.port()));
        return server.requestHandler(router).listen();
    }

    @Override
    public Future<?> stop() {
        return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
    }

    public int port() {
        return server.actualPort();
    }
}
