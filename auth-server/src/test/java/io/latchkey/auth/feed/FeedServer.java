package io.latchkey.auth.feed;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.client.PgClientRepository;
import io.latchkey.db.Database;
import io.latchkey.db.DatabaseSettings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * One auth-server replica's feed, wired as in {@code AuthServerVerticle}: pool, repository,
 * feed, pruner, routes, a listener on a random port.
 */
final class FeedServer extends VerticleBase {
    private final DatabaseSettings database;
    private final FeedSettings settings;
    private final HttpServerOptions httpOptions;
    private Pool pool;
    private HttpServer server;
    private RevocationFeed feed;
    private RevocationPruner pruner;

    FeedServer(DatabaseSettings database, FeedSettings settings) {
        this(database, settings, new HttpServerOptions());
    }

    FeedServer(DatabaseSettings database, FeedSettings settings, HttpServerOptions httpOptions) {
        this.database = database;
        this.settings = settings;
        this.httpOptions =
                new HttpServerOptions(httpOptions).setHost("127.0.0.1").setPort(0);
    }

    @Override
    public Future<?> start() {
        pool = Database.pool(vertx, database, 8);
        var revocations = new PgRevocationRepository(pool);
        feed = new RevocationFeed(vertx, revocations, database.connectOptions(), settings);
        pruner = new RevocationPruner(vertx, revocations, Clock.systemUTC(), settings);
        Router router = Router.router(vertx);
        new FeedRoutes(
                        revocations,
                        feed,
                        new ConfidentialClientFeedAccess(new ClientAuthenticator(new PgClientRepository(pool))),
                        Clock.systemUTC())
                .mount(router);
        server = vertx.createHttpServer(httpOptions).requestHandler(router);
        return feed.start().compose(v -> server.listen()).onSuccess(v -> pruner.start());
    }

    @Override
    public Future<?> stop() {
        pruner.stop();
        return feed.stop()
                .eventually(() -> server.shutdown(1, TimeUnit.SECONDS))
                .eventually(() -> pool.close());
    }

    int port() {
        return server.actualPort();
    }

    RevocationFeed feed() {
        return feed;
    }

    RevocationPruner pruner() {
        return pruner;
    }
}
