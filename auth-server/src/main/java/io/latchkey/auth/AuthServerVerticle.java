package io.latchkey.auth;

import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.common.http.HealthRoutes;
import io.latchkey.db.Database;
import io.latchkey.db.Migrations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;

/** Wires auth-server: migrations, pool, routes, listener. */
public final class AuthServerVerticle extends VerticleBase {
    private final AuthServerConfig config;
    private Pool pool;
    private HttpServer server;

    public AuthServerVerticle(AuthServerConfig config) {
        this.config = config;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> Migrations.run(config.database())).compose(migrated -> {
            pool = Database.pool(vertx, config.database());
            Router router = Router.router(vertx);
            HealthRoutes.mount(vertx, router, () -> Database.ping(pool));
            server = vertx.createHttpServer(
                    new HttpServerOptions().setHost(config.host()).setPort(config.port()));
            return server.requestHandler(router).listen();
        });
    }

    @Override
    public Future<?> stop() {
        Future<Void> closing = server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS);
        return closing.eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
    }

    /** The listener's port (useful when configured as 0). */
    public int port() {
        return server.actualPort();
    }
}
