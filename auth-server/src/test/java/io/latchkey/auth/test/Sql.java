package io.latchkey.auth.test;

import io.latchkey.common.testing.Await;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** Small blocking reads for assertions. */
public final class Sql {
    private Sql() {}

    public static long count(Pool pool, String sql, Object... params) {
        return rows(pool, sql, params).get(0).getLong(0);
    }

    /** The first column of the first row, as text. */
    public static String string(Pool pool, String sql, Object... params) {
        return rows(pool, sql, params).get(0).getValue(0).toString();
    }

    public static List<Row> rows(Pool pool, String sql, Object... params) {
        List<Row> out = new ArrayList<>();
        Await.result(pool.preparedQuery(sql).execute(Tuple.from(params))).forEach(out::add);
        return out;
    }
}
