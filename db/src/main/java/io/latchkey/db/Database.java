package io.latchkey.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** Builds the reactive PostgreSQL pool every service uses for its queries (JDBC serves only migrations). */
public final class Database {
    public static final int DEFAULT_POOL_SIZE = 16;

    private Database() {}

    public static Pool pool(Vertx vertx, DatabaseSettings settings) {
        return pool(vertx, settings, DEFAULT_POOL_SIZE);
    }

    public static Pool pool(Vertx vertx, DatabaseSettings settings, int maxSize) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(maxSize).setShared(false))
                .connectingTo(settings.connectOptions())
                .using(vertx)
                .build();
    }

    /** Succeeds when the database answers a trivial query: the readiness check. */
    public static Future<Void> ping(Pool pool) {
        return pool.query("SELECT 1").execute().mapEmpty();
    }
}
