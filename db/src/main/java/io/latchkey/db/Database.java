package io.latchkey.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import java.util.concurrent.TimeUnit;

/** Builds the reactive PostgreSQL pool every service uses for its queries (JDBC serves only migrations). */
public final class Database {
    public static final int DEFAULT_POOL_SIZE = 16;
    /**
     * How long a request waits for a pooled connection before failing as {@link DatabaseUnavailable}: with the
     * connect timeout below, a request during an outage is answered within ten seconds, never held open.
     */
    public static final int ACQUIRE_TIMEOUT_SECONDS = 5;
    /** A PostgreSQL that does not accept a TCP connection within this counts as down. */
    public static final int CONNECT_TIMEOUT_MS = 2_000;

    private Database() {}

    public static Pool pool(Vertx vertx, DatabaseSettings settings) {
        return pool(vertx, settings, DEFAULT_POOL_SIZE);
    }

    public static Pool pool(Vertx vertx, DatabaseSettings settings, int maxSize) {
        return PgBuilder.pool()
                .with(new PoolOptions()
                        .setMaxSize(maxSize)
                        .setShared(false)
                        .setConnectionTimeout(ACQUIRE_TIMEOUT_SECONDS)
                        .setConnectionTimeoutUnit(TimeUnit.SECONDS))
                .with(new NetClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS))
                .connectingTo(settings.connectOptions())
                .using(vertx)
                .build();
    }

    /** Succeeds when the database answers a trivial query: the readiness check. */
    public static Future<Void> ping(Pool pool) {
        return pool.query("SELECT 1").execute().mapEmpty();
    }
}
