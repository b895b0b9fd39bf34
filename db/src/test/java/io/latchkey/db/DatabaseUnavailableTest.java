package io.latchkey.db;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.db.test.StoppablePostgres;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class DatabaseUnavailableTest {
    private static StoppablePostgres pg;
    private static Vertx vertx;

    @BeforeAll
    static void start() {
        pg = StoppablePostgres.start();
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        vertx.close().await();
        pg.close();
    }

    @Test
    void sqlStatesOfOutagesAreUnavailableAndOthersAreNot() {
        assertTrue(DatabaseUnavailable.unavailableState("08006"));
        assertTrue(DatabaseUnavailable.unavailableState("57P01"));
        assertTrue(DatabaseUnavailable.unavailableState("57P03"));
        assertTrue(DatabaseUnavailable.unavailableState("53300"));
        assertFalse(DatabaseUnavailable.unavailableState("22021")); // invalid byte sequence: a bug
        assertFalse(DatabaseUnavailable.unavailableState("23505"));
        assertFalse(DatabaseUnavailable.unavailableState(null));
    }

    @Test
    void programmingErrorsAreNotOutages() {
        assertFalse(DatabaseUnavailable.is(new IllegalStateException("bug")));
        assertFalse(DatabaseUnavailable.is(null));
    }

    @Test
    void aQueryOnAStoppedServerFailsAsUnavailableAndSucceedsOnceItIsBack() throws Exception {
        Pool pool = Database.pool(vertx, pg.settings(), 2);
        try {
            Database.ping(pool).await(10, TimeUnit.SECONDS);
            // A NUL in text: PostgreSQL refuses it (22021), a bug of the caller's, not an outage.
            Throwable bug = pool.query("SELECT convert_from('\\x00'::bytea, 'UTF8')")
                    .execute()
                    .transform(ar -> Future.succeededFuture(ar.cause()))
                    .await(10, TimeUnit.SECONDS);
            pg.stop();
            Throwable down = Database.ping(pool)
                    .transform(ar -> Future.succeededFuture(ar.cause()))
                    .await(10, TimeUnit.SECONDS);
            assertNotNull(down);
            assertTrue(DatabaseUnavailable.is(down), String.valueOf(down));
            assertNotNull(bug);
            assertFalse(DatabaseUnavailable.is(bug), String.valueOf(bug));
            pg.restart();
            Database.ping(pool).await(10, TimeUnit.SECONDS);
        } finally {
            pool.close().await();
            pg.restart();
        }
    }
}
