package io.latchkey.demo;

import io.latchkey.common.http.HealthRoutes;
import io.latchkey.demo.http.DemoApiRoutes;
import io.latchkey.demo.notes.InMemoryNoteStore;
import io.latchkey.verifier.Verifier;
import io.latchkey.verifier.http.BearerAuthHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/** Wires the demo API behind the verifier; ready only while the verifier can vouch for tokens. */
public final class ResourceDemoVerticle extends VerticleBase {
    private final ResourceDemoConfig config;
    private Verifier verifier;
    private HttpServer server;

    public ResourceDemoVerticle(ResourceDemoConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        verifier = Verifier.create(vertx, config.verifier());
        Router router = Router.router(vertx);
        HealthRoutes.mount(
                vertx,
                router,
                () -> verifier.ready() ? Future.succeededFuture() : Future.failedFuture("verifier not ready"));
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                .end(verifier.metricsText()));
        new DemoApiRoutes(
                        new InMemoryNoteStore(Clock.systemUTC()),
                        BearerAuthHandler.create(verifier),
                        config.verifier().audience())
                .mount(router);
        server = vertx.createHttpServer(
                new HttpServerOptions().setHost(config.host()).setPort(config.port()));
        return verifier.start().compose(v -> server.requestHandler(router).listen());
    }

    @Override
    public Future<?> stop() {
        Future<?> stopped = server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
        return stopped.eventually(() -> verifier == null ? Future.succeededFuture() : verifier.close());
    }

    public int port() {
        return server.actualPort();
    }
}
