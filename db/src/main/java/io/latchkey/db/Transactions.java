package io.latchkey.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import java.util.function.Function;

/**
 * {@link Pool#withTransaction} without the wait for {@code BEGIN}'s answer. The PostgreSQL client pipelines the
 * commands of a connection, so {@code BEGIN} and the transaction's first statement leave together: one round trip
 * fewer per transaction, which on a refresh is one of four.
 *
 * <p>The outcome is the same as {@code withTransaction}'s: the work's result after {@code COMMIT}; its failure
 * after {@code ROLLBACK}; the connection back in the pool either way. Should {@code BEGIN} itself fail while the
 * connection still works (it has no input that could make it), the statements already sent ran on their own; the
 * call fails then, so nothing is answered as if it had committed together.
 */
public final class Transactions {
    private Transactions() {}

    public static <T> Future<T> run(Pool pool, Function<SqlConnection, Future<T>> work) {
        return pool.getConnection().compose(conn -> {
            Future<Transaction> begun = conn.begin();
            Future<T> worked = start(work, conn);
            return Future.join(begun, worked)
                    .transform(ignored -> end(begun, worked))
                    .andThen(ignored -> conn.close());
        });
    }

    /** The work's future; a work that throws instead fails it, so the transaction still ends. */
    private static <T> Future<T> start(Function<SqlConnection, Future<T>> work, SqlConnection conn) {
        try {
            return work.apply(conn);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }

    private static <T> Future<T> end(Future<Transaction> begun, Future<T> worked) {
        if (begun.failed()) {
            return Future.failedFuture(begun.cause());
        }
        Transaction tx = begun.result();
        if (worked.failed()) {
            return tx.rollback().transform(ignored -> Future.failedFuture(worked.cause()));
        }
        return tx.commit().map(ignored -> worked.result());
    }
}
