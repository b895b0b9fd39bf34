package io.latchkey.demo;

import io.latchkey.common.health.Dependencies;
import io.latchkey.common.health.Dependency;
import io.latchkey.common.http.ConnectionGuard;
import io.latchkey.common.http.HealthRoutes;
import io.latchkey.common.http.Hsts;
import io.latchkey.common.http.ListenerVerticle;
import io.latchkey.common.http.ManagementListener;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.demo.http.DemoApiRoutes;
import io.latchkey.demo.notes.InMemoryNoteStore;
import io.latchkey.demo.notes.NoteStore;
import io.latchkey.demo.web.WebApp;
import io.latchkey.demo.web.http.WebRoutes;
import io.latchkey.verifier.Verifier;
import io.latchkey.verifier.http.BearerAuthHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * Wires the demo API behind the verifier; ready only while the verifier can vouch for tokens. Every response
 * carries a request id, HSTS when TLS is on. The management listener serves health and {@code /metrics}: the
 * service's registry (HTTP server metrics when Vert.x was built by {@link ServiceMetrics#vertx}) followed by the
 * verifier's counters. With the web
 * client's settings it also serves the notes web app at {@code /}, an OpenID relying party that signs in through
 * auth-server (ID and logout tokens checked with the verifier's keys) and reads the notes through this same API with
 * the user's access token.
 */
public final class ResourceDemoVerticle extends VerticleBase {
    private static final long SHUTDOWN_SECONDS = 10;
    private static final long PRUNE_INTERVAL_MS = 60_000;

    private final ResourceDemoConfig config;
    private final ServiceMetrics metrics;
    private Verifier verifier;
    private Dependencies dependencies;
    private HttpServer server;
    private ManagementListener management;
    private long pruneTimer = -1;

    public ResourceDemoVerticle(ResourceDemoConfig config, ServiceMetrics metrics) {
        this.config = config;
        this.metrics = metrics;
    }

    /** With a registry of its own, for callers that do not build Vert.x with metrics (the dev stack, tests). */
    public ResourceDemoVerticle(ResourceDemoConfig config) {
        this(config, ServiceMetrics.create());
    }

    @Override
    public Future<?> start() {
        verifier = Verifier.create(vertx, config.verifier());
        // What the ready body names: the revocation feed (from auth-server) and the signing keys (from key-service).
        dependencies = new Dependencies(List.of(
                        new Dependency("revocation-feed", () -> state(verifier.feedFresh(), "feed stale")),
                        new Dependency("jwks", () -> state(verifier.keysLoaded(), "keys not loaded"))))
                .bindTo(metrics.registry());
        NoteStore notes = new InMemoryNoteStore(Clock.systemUTC());
        // One web app (sessions, sign-ins under way) shared by every listener, like the notes.
        Optional<WebApp> web = config.web().map(settings -> WebApp.create(vertx, settings, verifier));
        web.ifPresent(app -> pruneTimer = vertx.setPeriodic(PRUNE_INTERVAL_MS, id -> app.prune()));
        // One router per listener over the same verifier and notes: each event loop verifies on its own core.
        Function<Vertx, Router> routers = v -> {
            Router router = Router.router(v);
            RequestIdHandler.mount(router);
            Hsts.mount(router, config.tls());
            HealthRoutes.mount(v, router, this::ready, dependencies);
            new DemoApiRoutes(
                            notes,
                            BearerAuthHandler.create(verifier),
                            config.verifier().audience())
                    .mount(router);
            web.ifPresent(app -> new WebRoutes(app).mount(router));
            return router;
        };
        HttpServerOptions options = config.listeners()
                .applyTo(config.tls()
                        .applyTo(new HttpServerOptions()
                                .setHost(config.host())
                                .setPort(ListenerVerticle.sharedPort(config.port()))));
        ConnectionGuard guard = new ConnectionGuard(config.listeners(), "public");
        server = guard.install(vertx.createHttpServer(options));
        return verifier.start()
                .compose(v -> {
                    dependencies.start(vertx);
                    return Future.succeededFuture();
                })
                .compose(v -> server.requestHandler(routers.apply(vertx)).listen())
                .compose(v -> ListenerVerticle.deployMore(vertx, config.eventLoops(), routers, options, guard))
                .compose(v -> ManagementListener.start(
                        vertx,
                        config.listeners(),
                        config.tls(),
                        metrics,
                        this::ready,
                        dependencies,
                        verifier::metricsText))
                .onSuccess(listening -> management = listening);
    }

    private Future<?> ready() {
        return verifier.ready() ? Future.succeededFuture() : Future.failedFuture("verifier not ready");
    }

    private static Future<Void> state(boolean up, String otherwise) {
        return up ? Future.succeededFuture() : Future.failedFuture(new IllegalStateException(otherwise));
    }

    @Override
    public Future<?> stop() {
        if (pruneTimer != -1) {
            vertx.cancelTimer(pruneTimer);
        }
        if (dependencies != null) {
            dependencies.stop();
        }
        // Stops accepting at once, lets requests in flight finish for up to 10 s, then closes the verifier.
        Future<?> stopped = Future.join(
                server == null ? Future.succeededFuture() : server.shutdown(SHUTDOWN_SECONDS, TimeUnit.SECONDS),
                ManagementListener.stop(management));
        return stopped.eventually(() -> verifier == null ? Future.succeededFuture() : verifier.close());
    }

    public int port() {
        return server.actualPort();
    }

    /** The management listener's port (useful when configured as 0). */
    public int managementPort() {
        return management.port();
    }
}
