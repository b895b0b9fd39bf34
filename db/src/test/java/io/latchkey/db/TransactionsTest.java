package io.latchkey.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class TransactionsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    // One connection: every run must hand it back, outside any transaction, for the next to proceed.
    static Pool pool;

    @BeforeAll
    static void start() throws Exception {
        vertx = Vertx.vertx();
        pool = Database.pool(vertx, db.settings(), 1);
        Await.result(pool.query("CREATE TABLE tx_probe (id int PRIMARY KEY)").execute());
    }

    @AfterAll
    static void stop() throws Exception {
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void runWhenWorkSucceedsThenItsStatementsCommitTogether() throws Exception {
        String result = Await.result(Transactions.run(
                pool, sql -> insert(sql, 1).compose(v -> insert(sql, 2)).map(v -> "done")));

        assertEquals("done", result);
        assertEquals(List.of(1, 2), ids(1, 2));
    }

    @Test
    void runWhenWorkFailsAfterItsFirstStatementThenThatStatementIsRolledBack() throws Exception {
        IllegalStateException refusal = new IllegalStateException("refused");

        Throwable failure = Await.failure(
                Transactions.run(pool, sql -> insert(sql, 10).compose(v -> Future.failedFuture(refusal))));

        // The first statement left with BEGIN, unanswered; it still ran inside the transaction.
        assertSame(refusal, failure);
        assertEquals(List.of(), ids(10, 10));
    }

    @Test
    void runWhenSeveralStatementsThenAllSeeOneTransaction() throws Exception {
        List<Long> inside = Await.result(Transactions.run(
                pool, sql -> xact(sql).compose(first -> xact(sql).map(second -> List.of(first, second)))));
        long outsideFirst = Await.result(xact(pool));
        long outsideSecond = Await.result(xact(pool));

        assertEquals(inside.get(0), inside.get(1));
        assertNotEquals(outsideFirst, outsideSecond);
    }

    @Test
    void runWhenAStatementFailsOrTheWorkThrowsThenTheConnectionComesBackUsable() throws Exception {
        Await.failure(Transactions.run(pool, sql -> sql.query("SELECT 1 / 0").execute()));
        Await.failure(Transactions.run(pool, sql -> {
            throw new IllegalArgumentException("thrown before any statement");
        }));

        Await.result(Transactions.run(pool, sql -> insert(sql, 20)));

        assertEquals(List.of(20), ids(20, 20));
    }

    private static Future<Void> insert(SqlClient sql, int id) {
        return sql.preparedQuery("INSERT INTO tx_probe (id) VALUES ($1)")
                .execute(Tuple.of(id))
                .mapEmpty();
    }

    private static Future<Long> xact(SqlClient sql) {
        return sql.query("SELECT pg_current_xact_id()::text::bigint AS x")
                .execute()
                .map(rows -> rows.iterator().next().getLong("x"));
    }

    private static List<Integer> ids(int from, int to) throws Exception {
        return Await.result(pool.preparedQuery("SELECT id FROM tx_probe WHERE id BETWEEN $1 AND $2 ORDER BY id")
                .execute(Tuple.of(from, to))
                .map(rows -> {
                    List<Integer> ids = new ArrayList<>();
                    rows.forEach(row -> ids.add(row.getInteger("id")));
                    return ids;
                }));
    }
}
