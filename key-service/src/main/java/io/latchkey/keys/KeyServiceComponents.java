package io.latchkey.keys;

import io.latchkey.common.health.Dependencies;
import io.latchkey.common.health.Dependency;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.db.Database;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.crypto.SigningProvider;
import io.latchkey.keys.http.ErrorRenderer;
import io.latchkey.keys.http.KeyServiceRouters;
import io.latchkey.keys.jwks.JwksDocument;
import io.latchkey.keys.keys.KeyGenerator;
import io.latchkey.keys.keys.KeyLifecycle;
import io.latchkey.keys.keys.KeyRing;
import io.latchkey.keys.keys.KeyRings;
import io.latchkey.keys.keys.PgKeyRepository;
import io.latchkey.keys.keys.RotationSchedule;
import io.latchkey.keys.metrics.KeyMetrics;
import io.latchkey.keys.sign.ClaimBounds;
import io.latchkey.keys.sign.SigningService;
import io.latchkey.keys.sign.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * key-service's parts over one pool, built from its settings once the schema is migrated and the signing provider
 * chosen: per signing algorithm a repository, a key ring and a key life with their timers (together
 * {@link KeyRings}), the signing service, the JWKS document,
 * the metrics, and the routers over them.
 */
final class KeyServiceComponents {
    private static final Logger LOG = LoggerFactory.getLogger(KeyServiceComponents.class);

    private final KeyServiceConfig config;
    private final Pool pool;
    private final KeyRings rings;
    private final KeyMetrics metrics;
    private final KeyServiceRouters routers;
    private final Dependencies dependencies;
    private final Vertx vertx;

    KeyServiceComponents(
            Vertx vertx, KeyServiceConfig config, SigningProvider provider, ServiceMetrics serviceMetrics) {
        boolean onEventLoop = config.signingThreads() == KeyServiceConfig.SigningThreads.EVENT_LOOP;
        for (SigningAlgorithm alg : config.signingAlgorithms()) {
            LOG.info(
                    "{} signatures by {} ({}), on the {}",
                    alg,
                    provider.name(alg),
                    provider.isNative() ? "native" : "JDK",
                    onEventLoop ? "event loop" : "worker pool");
        }
        this.config = config;
        KeySealer sealer = new KeySealer(config.kek());
        RotationSchedule schedule = new RotationSchedule(config.rotationInterval(), config.publishAhead());
        pool = Database.pool(vertx, config.database());
        metrics = new KeyMetrics(provider.isNative(), serviceMetrics.registry());
        List<KeyRings.Ring> each = new ArrayList<>();
        for (SigningAlgorithm alg : config.signingAlgorithms()) {
            PgKeyRepository repository = new PgKeyRepository(pool, alg);
            KeyRing ring = new KeyRing(repository, sealer, provider, vertx, Clock.systemUTC());
            KeyLifecycle lifecycle = new KeyLifecycle(
                    repository,
                    ring,
                    new KeyGenerator(provider, sealer, alg, config.keySize()),
                    sealer,
                    vertx,
                    schedule,
                    config.retireGrace(),
                    metrics);
            each.add(new KeyRings.Ring(alg, ring, lifecycle, repository));
        }
        rings = new KeyRings(each);
        metrics.watch(rings, config.rotationInterval());
        SigningService signing = new SigningService(
                rings,
                new ClaimBounds(config.issuer(), config.accessTokenTtl()),
                new TokenSigner(provider),
                vertx,
                onEventLoop,
                metrics);
        routers = new KeyServiceRouters(
                config, serviceMetrics, metrics, this::ready, new JwksDocument(rings), signing, rings);
        this.vertx = vertx;
        dependencies = new Dependencies(List.of(new Dependency(ErrorRenderer.DATABASE, () -> Database.ping(pool))))
                .bindTo(serviceMetrics.registry());
        routers.dependencies(dependencies);
    }

    /** Checks the KEK and makes sure a key signs in every ring, then keeps the rings fresh and the keys rotating. */
    Future<Void> start() {
        return rings.start(config.refreshInterval(), metrics).onSuccess(v -> dependencies.start(vertx));
    }

    KeyServiceRouters routers() {
        return routers;
    }

    /** Stops the timers, then closes the pool. */
    Future<Void> stop() {
        rings.stop();
        dependencies.stop();
        return pool.close();
    }

    /** Ready while the database answers and a key signs in every ring. */
    private Future<?> ready() {
        return Database.ping(pool)
                .compose(v -> rings.allSignAt(rings.now())
                        ? Future.succeededFuture()
                        : Future.failedFuture("no signing key"));
    }
}
