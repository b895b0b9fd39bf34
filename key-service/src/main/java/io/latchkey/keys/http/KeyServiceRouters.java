package io.latchkey.keys.http;

import io.latchkey.common.health.Dependencies;
import io.latchkey.common.http.HealthRoutes;
import io.latchkey.common.http.Hsts;
import io.latchkey.common.http.ManagementListener;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.tls.ServerTls;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.jwks.JwksDocument;
import io.latchkey.keys.keys.KeyRings;
import io.latchkey.keys.metrics.KeyMetrics;
import io.latchkey.keys.sign.SigningService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * key-service's HTTP surfaces. Public: the JWKS and health. Internal: signing and key admin behind the internal
 * secret, and health. Management: health and {@code GET /metrics} (HTTP server metrics and the signing counters as
 * one Prometheus text).
 * Every request gets a request id; a TLS listener adds HSTS.
 */
public final class KeyServiceRouters {
    private final KeyServiceConfig config;
    private final ServiceMetrics serviceMetrics;
    private final KeyMetrics keyMetrics;
    private final Supplier<Future<?>> readiness;
    private final JwksRoutes jwks;
    private final InternalRoutes internal;
    private Dependencies dependencies = Dependencies.none();

    /** {@code readiness} succeeds while the process can serve: its database answers and a key signs. */
    public KeyServiceRouters(
            KeyServiceConfig config,
            ServiceMetrics serviceMetrics,
            KeyMetrics keyMetrics,
            Supplier<Future<?>> readiness,
            JwksDocument jwks,
            SigningService signing,
            KeyRings rings) {
        this.config = config;
        this.serviceMetrics = serviceMetrics;
        this.keyMetrics = keyMetrics;
        this.readiness = readiness;
        this.jwks = new JwksRoutes(jwks, config.jwksMaxAge());
        this.internal = new InternalRoutes(signing, rings, new InternalAuthentication(config.internalSecret()));
    }

    /** What the ready body lists and what database-outage answers count against. */
    public KeyServiceRouters dependencies(Dependencies dependencies) {
        this.dependencies = dependencies;
        return this;
    }

    public Router publicRouter(Vertx vertx) {
        Router router = common(vertx, config.tls());
        jwks.mount(router);
        return router;
    }

    /** One per internal listener: each event loop's listener gets its own router over the same services. */
    public Router internalRouter(Vertx vertx) {
        Router router = common(vertx, config.internalTls());
        internal.mount(router);
        return router;
    }

    /** Starts the management listener: health and the metrics, on its own port. */
    public Future<ManagementListener> startManagement(Vertx vertx) {
        return ManagementListener.start(
                vertx, config.listeners(), config.tls(), serviceMetrics, readiness, dependencies, keyMetrics::render);
    }

    private Router common(Vertx vertx, ServerTls tls) {
        Router router = Router.router(vertx);
        RequestIdHandler.mount(router);
        ErrorRenderer.attach(router, dependencies);
        Hsts.mount(router, tls);
        HealthRoutes.mount(vertx, router, readiness, dependencies);
        return router;
    }
}
