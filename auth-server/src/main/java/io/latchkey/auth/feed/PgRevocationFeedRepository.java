package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** {@link RevocationFeedRepository} on the {@code revocations} table (see V4). */
public final class PgRevocationFeedRepository implements RevocationFeedRepository {
    // One statement, so the entries and last_seq come from the same snapshot; entries commit in seq order (the
    // writers' advisory lock), so that snapshot holds every seq up to last_seq that was ever committed.
    private static final String LIST = """
            WITH high AS (SELECT COALESCE(max(seq), 0) AS last_seq FROM revocations)
            SELECT high.last_seq, r.seq, r.type, r.value, r.not_before, r.expires_at
            FROM high
            LEFT JOIN revocations r
              ON r.expires_at > #{now}
             AND r.seq > (CASE WHEN #{after} > high.last_seq THEN 0 ELSE #{after} END)
            ORDER BY r.seq""";

    private static final String AFTER = """
            SELECT seq, type, value, not_before, expires_at FROM revocations
            WHERE seq > #{after} ORDER BY seq LIMIT #{limit}""";

    private static final String HIGHEST = "SELECT COALESCE(max(seq), 0) AS last_seq FROM revocations";

    // The newest entry is kept even when expired: it is the high-water mark that last_seq and the
    // "above the highest seq" rule read.
    private static final String PRUNE = """
            DELETE FROM revocations WHERE seq IN (
              SELECT seq FROM revocations
              WHERE expires_at < #{cutoff} AND seq < (SELECT max(seq) FROM revocations)
              ORDER BY expires_at LIMIT #{limit})""";

    private final Pool pool;

    public PgRevocationFeedRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<RevocationPage> list(long after, long now) {
        return SqlTemplate.forQuery(pool, LIST)
                .execute(Map.of("after", after, "now", now))
                .map(rows -> {
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
    public Future<List<RevocationEntry>> after(long after, int limit) {
        return SqlTemplate.forQuery(pool, AFTER)
                .execute(Map.of("after", after, "limit", limit))
                .map(rows -> {
                    List<RevocationEntry> entries = new ArrayList<>(rows.size());
                    rows.forEach(row -> entries.add(entry(row)));
                    return entries;
                });
    }

    @Override
    public Future<Long> highestSeq() {
        return pool.preparedQuery(HIGHEST)
                .execute()
                .map(rows -> rows.iterator().next().getLong("last_seq"));
    }

    @Override
    public Future<Integer> prune(long cutoff, int limit) {
        return SqlTemplate.forUpdate(pool, PRUNE)
                .execute(Map.of("cutoff", cutoff, "limit", limit))
                .map(result -> result.rowCount());
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
