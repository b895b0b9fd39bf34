package io.latchkey.keys;

import io.latchkey.common.http.HealthRoutes;
import io.latchkey.db.Database;
import io.latchkey.db.Migrations;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** Wires key-service: migrations, pool, the public listener (JWKS) and the internal listener (signing). */
public final class KeyServiceVerticle extends VerticleBase {
    private final KeyServiceConfig config;
    private Pool pool;
    private HttpServer publicServer;
    private HttpServer internalServer;

    public KeyServiceVerticle(KeyServiceConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> Migrations.run(config.database()))
                .compose(migrated -> {
                    pool = Database.pool(vertx, config.database());
                    Router publicRouter = Router.router(vertx);
                    HealthRoutes.mount(vertx, publicRouter, () -> Database.ping(pool));
                    publicServer = vertx.createHttpServer(
                            new HttpServerOptions().setHost(config.host()).setPort(config.port()));
                    return publicServer.requestHandler(publicRouter).listen();
                })
                .compose(listening -> {
                    Router internalRouter = Router.router(vertx);
                    HealthRoutes.mount(vertx, internalRouter, () -> Database.ping(pool));
                    internalServer = vertx.createHttpServer(new HttpServerOptions()
                            .setHost(config.internalHost())
                            .setPort(config.internalPort()));
                    return internalServer.requestHandler(internalRouter).listen();
                });
    }

    @Override
    public Future<?> stop() {
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
