package io.latchkey.auth;

import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.common.http.ConnectionGuard;
import io.latchkey.common.http.ListenerVerticle;
import io.latchkey.common.http.ManagementListener;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.db.Database;
import io.latchkey.db.Migrations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Wires auth-server: migrations, pool, {@link AuthServerComponents}, then one listener per event loop (HTTPS with
 * HSTS when {@code LATCHKEY_TLS_CERT} is set) under one {@link ConnectionGuard}, and the management listener
 * (health and {@code /metrics}). {@code stop()} ends the revocation streams, shuts the listener down
 * gracefully, then closes the components and the pool.
 */
public final class AuthServerVerticle extends VerticleBase {
    private final AuthServerConfig config;
    private final ServiceMetrics serviceMetrics;
    private final AuthMetrics metrics;
    private Pool pool;
    private AuthServerComponents components;
    private HttpServer server;
    private ManagementListener management;
    private volatile Future<?> readyAfter = Future.succeededFuture();
    private UnaryOperator<HttpServerOptions> listenerOptions = UnaryOperator.identity();

    public AuthServerVerticle(AuthServerConfig config, ServiceMetrics serviceMetrics) {
        this.config = config;
        this.serviceMetrics = serviceMetrics;
        this.metrics = new AuthMetrics(serviceMetrics.registry());
    }

    /** With a registry of its own, for callers that do not build Vert.x with metrics (the dev stack, tests). */
    public AuthServerVerticle(AuthServerConfig config) {
        this(config, ServiceMetrics.create());
    }

    /**
     * Holds readiness until {@code gate} has succeeded: the dev stack seeds its clients through this very server,
     * and a probe that says ready must mean they exist, or a script that waits for it meets 401 for a moment.
     */
    public AuthServerVerticle readyAfter(Future<?> gate) {
        this.readyAfter = gate;
        return this;
    }

    /**
     * Adjusts the listener's options after the configured ones are applied: tests shrink its socket buffers, so a
     * client that stops reading backs up into the server's write queue after kilobytes, not megabytes.
     */
    public AuthServerVerticle listenerOptions(UnaryOperator<HttpServerOptions> adjust) {
        this.listenerOptions = adjust;
        return this;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> Migrations.run(config.database()))
                .compose(migrated -> {
                    pool = Database.pool(vertx, config.database(), config.databasePoolSize());
                    return AuthServerComponents.create(vertx, config, pool, metrics, serviceMetrics);
                })
                .compose(built -> {
                    components = built;
                    return components.start();
                })
                .compose(started -> listen())
                .onSuccess(listening -> components.listening());
    }

    private Future<?> listen() {
        HttpServerOptions options = listenerOptions.apply(config.listeners()
                .applyTo(config.tls()
                        .applyTo(new HttpServerOptions()
                                .setHost(config.host())
                                .setPort(ListenerVerticle.sharedPort(config.port())))));
        Function<Vertx, Router> routers = v -> components.router().create(v, this::ready);
        ConnectionGuard guard = new ConnectionGuard(config.listeners(), "public");
        server = guard.install(vertx.createHttpServer(options));
        return server.requestHandler(routers.apply(vertx))
                .listen()
                .compose(v -> ListenerVerticle.deployMore(vertx, config.eventLoops(), routers, options, guard))
                .compose(v -> ManagementListener.start(
                        vertx,
                        config.listeners(),
                        config.tls(),
                        serviceMetrics,
                        this::ready,
                        components.dependencies()))
                .onSuccess(listening -> management = listening);
    }

    private Future<?> ready() {
        return readyAfter.succeeded() ? components.ready() : Future.failedFuture("still starting");
    }

    @Override
    public Future<?> stop() {
        // Streams end first, or open streams would hold the listener's shutdown for its whole timeout.
        Future<?> streams = components == null ? Future.succeededFuture() : components.endStreams();
        return streams.eventually(
                        () -> server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS))
                .eventually(() -> ManagementListener.stop(management))
                .eventually(() -> components == null ? Future.succeededFuture() : components.close())
                .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
    }

    /** The listener's port (useful when configured as 0). */
    public int port() {
        return server.actualPort();
    }

    /** The management listener's port (useful when configured as 0). */
    public int managementPort() {
        return management.port();
    }
}
