package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/**
 * Every statement on the {@code revocations} table (see V4): the writers' append, the verifier's check, the feed's
 * reads and the pruning.
 */
public final class PgRevocationRepository implements RevocationRepository, RevocationFeedRepository {
    private static final String APPEND = "SELECT revocation_append($1, $2, $3, $4) AS seq";
    private static final String APPEND_ALL = """
            SELECT revocation_append($1, v, $3, $4) AS seq
            FROM unnest($2::text[]) WITH ORDINALITY AS t(v, n) ORDER BY n""";

    private static final String REVOKED = """
            SELECT 1 FROM revocations
            WHERE (type = 'jti' AND value = $1)
               OR (type = 'sid' AND value = $2)
               OR (type = 'sub' AND value = $3 AND not_before > $4)
            LIMIT 1""";

    // One statement, so the entries and last_seq come from the same snapshot; entries commit in seq order (the
    // writers' advisory lock), so that snapshot holds every seq up to last_seq that was ever committed.
    private static final String LIST = """
            WITH high AS (SELECT COALESCE(max(seq), 0) AS last_seq FROM revocations)
            SELECT high.last_seq, r.seq, r.type, r.value, r.not_before, r.expires_at
            FROM high
            LEFT JOIN revocations r
              ON r.expires_at > $2
             AND r.seq > (CASE WHEN $1 > high.last_seq THEN 0 ELSE $1 END)
            ORDER BY r.seq""";

    // Keyset on the primary key: each page costs the same however deep into the list it starts.
    private static final String LIVE_PAGE = """
            SELECT seq, type, value, not_before, expires_at FROM revocations
            WHERE seq > $1 AND seq <= $2 AND expires_at > $3 ORDER BY seq LIMIT $4""";

    private static final String AFTER = """
            SELECT seq, type, value, not_before, expires_at FROM revocations
            WHERE seq > $1 ORDER BY seq LIMIT $2""";

    private static final String HIGHEST = "SELECT COALESCE(max(seq), 0) AS last_seq FROM revocations";

    // The newest entry is kept even when expired: it is the high-water mark that last_seq and the
    // "above the highest seq" rule read.
    private static final String PRUNE = """
            DELETE FROM revocations WHERE seq IN (
              SELECT seq FROM revocations
              WHERE expires_at < $1 AND seq < (SELECT max(seq) FROM revocations)
              ORDER BY expires_at LIMIT $2)""";

    private static final String PING = "SELECT 1";

    private final Pool pool;

    public PgRevocationRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<Integer> appendAll(SqlClient sql, String type, List<String> values, Long notBefore, long expiresAt) {
        if (values.isEmpty()) {
            return Future.succeededFuture(0);
        }
        return sql.preparedQuery(APPEND_ALL)
                .execute(Tuple.of(type, values.toArray(String[]::new), notBefore, expiresAt))
                .map(rows -> rows.rowCount());
    }

    @Override
    public Future<Long> append(SqlClient sql, String type, String value, Long notBefore, long expiresAt) {
        return sql.preparedQuery(APPEND)
                .execute(Tuple.of(type, value, notBefore, expiresAt))
                .map(rows -> rows.iterator().next().getLong("seq"));
    }

    @Override
    public Future<Boolean> isRevoked(String jti, String sid, String sub, long iat) {
        return pool.preparedQuery(REVOKED).execute(Tuple.of(jti, sid, sub, iat)).map(rows -> rows.size() > 0);
    }

    @Override
    public Future<RevocationPage> list(long after, long now) {
        return pool.preparedQuery(LIST).execute(Tuple.of(after, now)).map(rows -> {
            List<RevocationEntry> entries = new ArrayList<>();
            long lastSeq = 0;
            for (Row row : rows) {
                lastSeq = row.getLong("last_seq");
                if (row.getLong("seq") != null) {
                    entries.add(entry(row));
                }
            }
            return new RevocationPage(List.copyOf(entries), lastSeq);
        });
    }

    @Override
    public Future<List<RevocationEntry>> livePage(long after, long upTo, long now, int limit) {
        return pool.preparedQuery(LIVE_PAGE)
                .execute(Tuple.of(after, upTo, now, limit))
                .map(PgRevocationRepository::entries);
    }

    @Override
    public Future<List<RevocationEntry>> after(long after, int limit) {
        return pool.preparedQuery(AFTER).execute(Tuple.of(after, limit)).map(PgRevocationRepository::entries);
    }

    @Override
    public Future<Long> highestSeq() {
        return pool.preparedQuery(HIGHEST)
                .execute()
                .map(rows -> rows.iterator().next().getLong("last_seq"));
    }

    @Override
    public Future<Integer> prune(long cutoff, int limit) {
        return pool.preparedQuery(PRUNE).execute(Tuple.of(cutoff, limit)).map(result -> result.rowCount());
    }

    @Override
    public Future<Void> ping(SqlClient connection) {
        return connection.query(PING).execute().mapEmpty();
    }

    private static List<RevocationEntry> entries(RowSet<Row> rows) {
        List<RevocationEntry> entries = new ArrayList<>(rows.size());
        rows.forEach(row -> entries.add(entry(row)));
        return entries;
    }

    private static RevocationEntry entry(Row row) {
        return new RevocationEntry(
                row.getLong("seq"),
                row.getString("type"),
                row.getString("value"),
                row.getLong("not_before"),
                row.getLong("expires_at"));
    }
}
