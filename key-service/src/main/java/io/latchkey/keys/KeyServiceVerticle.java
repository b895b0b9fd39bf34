package io.latchkey.keys;

import io.latchkey.common.http.HealthRoutes;
import io.latchkey.common.http.Hsts;
import io.latchkey.common.http.ListenerVerticle;
import io.latchkey.common.http.MetricsRoutes;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.db.Database;
import io.latchkey.db.Migrations;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.http.InternalAuthentication;
import io.latchkey.keys.http.InternalRoutes;
import io.latchkey.keys.jwks.JwksDocument;
import io.latchkey.keys.jwks.JwksRoutes;
import io.latchkey.keys.keys.KeyGenerator;
import io.latchkey.keys.keys.KeyLifecycle;
import io.latchkey.keys.keys.KeyRing;
import io.latchkey.keys.keys.PgKeyRepository;
import io.latchkey.keys.metrics.KeyMetrics;
import io.latchkey.keys.sign.ClaimBounds;
import io.latchkey.keys.sign.SigningService;
import io.latchkey.keys.sign.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires key-service: migrations, pool, the key ring and its life, the public listener (JWKS) and the internal
 * listener (signing and key admin), plus the timers that refresh the ring and generate keys when due. Both listeners
 * serve HTTPS with HSTS when {@code LATCHKEY_TLS_CERT} is set, the internal one also demands a client certificate
 * when {@code LATCHKEY_TLS_CA} is set; every request gets a request id; {@code GET /metrics} on the internal
 * listener serves HTTP server metrics and the signing counters as one Prometheus text.
 */
public final class KeyServiceVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(KeyServiceVerticle.class);

    private final KeyServiceConfig config;
    private final ServiceMetrics serviceMetrics;
    private Pool pool;
    private HttpServer publicServer;
    private HttpServer internalServer;
    private KeyRing ring;
    private KeyLifecycle lifecycle;
    private KeyMetrics metrics;
    /** The port every internal listener binds; see {@link ListenerVerticle#sharedPort}. */
    private final int internalPort;

    private long refreshTimer = -1;
    private long rotationTimer = -1;

    public KeyServiceVerticle(KeyServiceConfig config, ServiceMetrics serviceMetrics) {
        this.config = config;
        this.serviceMetrics = serviceMetrics;
        this.internalPort = ListenerVerticle.sharedPort(config.internalPort());
    }

    /** With a registry of its own, for callers that do not build Vert.x with metrics (the dev stack, tests). */
    public KeyServiceVerticle(KeyServiceConfig config) {
        this(config, ServiceMetrics.create());
    }

    @Override
    public Future<?> start() {
        SigningProvider provider = SigningProvider.best();
        boolean onEventLoop = config.signingThreads() == KeyServiceConfig.SigningThreads.EVENT_LOOP;
        LOG.info(
                "RS256 signatures by {} ({}), on the {}",
                provider.name(),
                provider.isNative() ? "native" : "JDK",
                onEventLoop ? "event loop" : "worker pool");
        KeySealer sealer = new KeySealer(config.kek());
        metrics = new KeyMetrics(provider.isNative(), serviceMetrics.registry());
        return vertx.executeBlocking(() -> Migrations.run(config.database()))
                .compose(migrated -> {
                    pool = Database.pool(vertx, config.database());
                    PgKeyRepository repository = new PgKeyRepository(pool);
                    ring = new KeyRing(repository, sealer, provider, vertx, Clock.systemUTC());
                    metrics.watch(ring, config.rotationInterval());
                    lifecycle = new KeyLifecycle(
                            repository,
                            ring,
                            new KeyGenerator(provider, sealer, config.keySize()),
                            sealer,
                            vertx,
                            config.rotationInterval(),
                            config.publishAhead(),
                            config.retireGrace(),
                            metrics);
                    return lifecycle.start().map(repository);
                })
                .compose(repository -> {
                    startTimers();
                    Router publicRouter = Router.router(vertx);
                    RequestIdHandler.mount(publicRouter);
                    Hsts.mount(publicRouter, config.tls());
                    HealthRoutes.mount(vertx, publicRouter, this::ready);
                    new JwksRoutes(new JwksDocument(ring), config.jwksMaxAge()).mount(publicRouter);
                    publicServer = vertx.createHttpServer(config.tls()
                            .applyTo(new HttpServerOptions()
                                    .setHost(config.host())
                                    .setPort(config.port())));
                    SigningService signing = new SigningService(
                            ring,
                            new ClaimBounds(config.issuer(), config.accessTokenTtl()),
                            new TokenSigner(provider),
                            vertx,
                            onEventLoop,
                            metrics);
                    InternalRoutes internalRoutes = new InternalRoutes(
                            signing, lifecycle, repository, new InternalAuthentication(config.internalSecret()));
                    Function<Vertx, Router> internalRouter = v -> {
                        Router router = Router.router(v);
                        RequestIdHandler.mount(router);
                        Hsts.mount(router, config.internalTls());
                        HealthRoutes.mount(v, router, this::ready);
                        MetricsRoutes.mount(router, serviceMetrics, metrics::render);
                        internalRoutes.mount(router);
                        return router;
                    };
                    internalServer = vertx.createHttpServer(internalOptions());
                    return publicServer
                            .requestHandler(publicRouter)
                            .listen()
                            .compose(listening -> internalServer
                                    .requestHandler(internalRouter.apply(vertx))
                                    .listen())
                            // More internal listeners on other event loops, so signatures use every core.
                            .compose(listening -> ListenerVerticle.deployMore(
                                    vertx, config.internalEventLoops(), internalRouter, internalOptions()));
                })
                .onFailure(failure -> stop());
    }

    /** The internal listener's options: TLS, and client certificates required when a client CA is configured. */
    private HttpServerOptions internalOptions() {
        return config.internalTls()
                .applyTo(new HttpServerOptions().setHost(config.internalHost()).setPort(internalPort));
    }

    private void startTimers() {
        refreshTimer = vertx.setPeriodic(
                config.refreshInterval().toMillis(), id -> ring.refresh().onFailure(e -> {
                    metrics.refreshFailed();
                    LOG.warn("key refresh failed: {}", e.getClass().getSimpleName());
                }));
        long rotationCheck = clamp(config.publishAhead().dividedBy(10), Duration.ofMillis(200), Duration.ofSeconds(10));
        rotationTimer = vertx.setPeriodic(rotationCheck, id -> lifecycle
                .ensureNextKey()
                .onFailure(e ->
                        LOG.warn("key rotation check failed: {}", e.getClass().getSimpleName())));
    }

    private Future<?> ready() {
        return Database.ping(pool)
                .compose(v -> ring.signingKeyAt(ring.now()).isPresent()
                        ? Future.succeededFuture()
                        : Future.failedFuture("no signing key"));
    }

    private static long clamp(Duration value, Duration min, Duration max) {
        Duration clamped = value.compareTo(min) < 0 ? min : value.compareTo(max) > 0 ? max : value;
        return clamped.toMillis();
    }

    @Override
    public Future<?> stop() {
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
        if (rotationTimer >= 0) {
            vertx.cancelTimer(rotationTimer);
        }
        Future<Void> internal =
                internalServer == null ? Future.succeededFuture() : internalServer.shutdown(10, TimeUnit.SECONDS);
        Future<Void> pub =
                publicServer == null ? Future.succeededFuture() : publicServer.shutdown(10, TimeUnit.SECONDS);
        return Future.join(internal, pub).eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
    }

    /** The public listener's port (useful when configured as 0). */
    public int publicPort() {
        return publicServer.actualPort();
    }

    /** The internal listener's port (useful when configured as 0). */
    public int internalPort() {
        return internalServer.actualPort();
    }
}
