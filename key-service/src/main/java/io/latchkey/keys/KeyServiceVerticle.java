package io.latchkey.keys;

import io.latchkey.common.http.ConnectionGuard;
import io.latchkey.common.http.ListenerVerticle;
import io.latchkey.common.http.ManagementListener;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.db.Migrations;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.http.KeyServiceRouters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.concurrent.TimeUnit;

/**
 * Wires key-service: migrations, the signing provider, its {@link KeyServiceComponents}, then the public listener
 * (JWKS) and the internal listeners (signing and key admin), one per configured event loop on one port. Both
 * serve HTTPS with HSTS when {@code LATCHKEY_TLS_CERT} is set, the internal ones also demand a client certificate
 * when {@code LATCHKEY_TLS_CA} is set; then the management listener (health and metrics). Each listener has its
 * {@link ConnectionGuard}. {@code stop()} undoes it in reverse: listeners, then timers and pool.
 */
public final class KeyServiceVerticle extends VerticleBase {
    private final KeyServiceConfig config;
    private final ServiceMetrics serviceMetrics;
    /** The port every internal listener binds; see {@link ListenerVerticle#sharedPort}. */
    private final int internalPort;

    private KeyServiceComponents components;
    private HttpServer publicServer;
    private HttpServer internalServer;
    private ManagementListener management;
    private final ConnectionGuard internalGuard;

    public KeyServiceVerticle(KeyServiceConfig config, ServiceMetrics serviceMetrics) {
        this.config = config;
        this.serviceMetrics = serviceMetrics;
        this.internalPort = ListenerVerticle.sharedPort(config.internalPort());
        this.internalGuard = new ConnectionGuard(config.listeners(), "internal");
    }

    /** With a registry of its own, for callers that do not build Vert.x with metrics (the dev stack, tests). */
    public KeyServiceVerticle(KeyServiceConfig config) {
        this(config, ServiceMetrics.create());
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> Migrations.run(config.database()))
                // Choosing the provider loads and self-tests a native library: a worker's job.
                .compose(migrated -> vertx.executeBlocking(SigningProvider::best))
                .compose(provider -> {
                    components = new KeyServiceComponents(vertx, config, provider, serviceMetrics);
                    return components.start();
                })
                .compose(started -> listen(components.routers()))
                .onFailure(failure -> stop());
    }

    private Future<?> listen(KeyServiceRouters routers) {
        publicServer = new ConnectionGuard(config.listeners(), "public")
                .install(vertx.createHttpServer(config.listeners()
                        .applyTo(config.tls()
                                .applyTo(new HttpServerOptions()
                                        .setHost(config.host())
                                        .setPort(config.port())))));
        internalServer = internalGuard.install(vertx.createHttpServer(internalOptions()));
        return publicServer
                .requestHandler(routers.publicRouter(vertx))
                .listen()
                .compose(listening -> internalServer
                        .requestHandler(routers.internalRouter(vertx))
                        .listen())
                // More internal listeners on other event loops, so signatures use every core.
                .compose(listening -> ListenerVerticle.deployMore(
                        vertx, config.internalEventLoops(), routers::internalRouter, internalOptions(), internalGuard))
                .compose(listening -> routers.startManagement(vertx))
                .onSuccess(listening -> management = listening);
    }

    /** The internal listener's options: TLS, and client certificates required when a client CA is configured. */
    private HttpServerOptions internalOptions() {
        return config.listeners()
                .applyTo(config.internalTls()
                        .applyTo(new HttpServerOptions()
                                .setHost(config.internalHost())
                                .setPort(internalPort)));
    }

    @Override
    public Future<?> stop() {
        return Future.join(shutdown(internalServer), shutdown(publicServer), ManagementListener.stop(management))
                .eventually(() -> components == null ? Future.succeededFuture() : components.stop());
    }

    private static Future<Void> shutdown(HttpServer server) {
        return server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
    }

    /** The public listener's port (useful when configured as 0). */
    public int publicPort() {
        return publicServer.actualPort();
    }

    /** The management listener's port (useful when configured as 0). */
    public int managementPort() {
        return management.port();
    }

    /** The internal listener's port (useful when configured as 0). */
    public int internalPort() {
        return internalServer.actualPort();
    }
}
