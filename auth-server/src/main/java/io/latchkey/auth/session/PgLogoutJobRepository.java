package io.latchkey.auth.session;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** {@link LogoutJobRepository} on PostgreSQL. */
public final class PgLogoutJobRepository implements LogoutJobRepository {
    // Every read returns the columns LogoutJob is built from, in this order.
    private static final String CREATE = """
            INSERT INTO logout_jobs (id, kind, target, reason, cutoff, ended_count, after_session)
            VALUES ($1, $2, $3, $4, now(), $5, $6)""";
    private static final String CLAIM = """
            SELECT id, kind, target, reason, cutoff, ended_count, created_at, finished_at, after_session
            FROM logout_jobs WHERE finished_at IS NULL
            ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED""";
    private static final String RECORD = """
            UPDATE logout_jobs SET ended_count = ended_count + $2, after_session = $3,
                                   finished_at = CASE WHEN $4 THEN now() ELSE NULL END
            WHERE id = $1
            RETURNING id, kind, target, reason, cutoff, ended_count, created_at, finished_at, after_session""";
    private static final String FIND = """
            SELECT id, kind, target, reason, cutoff, ended_count, created_at, finished_at, after_session
            FROM logout_jobs WHERE id = $1""";
    private static final String UNFINISHED = """
            SELECT id, kind, target, reason, cutoff, ended_count, created_at, finished_at, after_session
            FROM logout_jobs WHERE finished_at IS NULL ORDER BY created_at, id LIMIT $1""";

    @Override
    public Future<Void> create(
            SqlClient sql, UUID id, LogoutJob.Kind kind, String target, String reason, int ended, UUID afterSession) {
        return sql.preparedQuery(CREATE)
                .execute(Tuple.of(id, kind.column(), target, reason, ended, afterSession))
                .mapEmpty();
    }

    @Override
    public Future<Optional<LogoutJob>> claimNext(SqlClient sql) {
        return sql.preparedQuery(CLAIM).execute().map(PgLogoutJobRepository::first);
    }

    @Override
    public Future<LogoutJob> recordBatch(SqlClient sql, UUID id, int ended, UUID afterSession, boolean finished) {
        return sql.preparedQuery(RECORD)
                .execute(Tuple.of(id, ended, afterSession, finished))
                .map(rows -> first(rows).orElseThrow());
    }

    @Override
    public Future<Optional<LogoutJob>> find(SqlClient sql, UUID id) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id)).map(PgLogoutJobRepository::first);
    }

    @Override
    public Future<List<LogoutJob>> unfinished(SqlClient sql, int limit) {
        return sql.preparedQuery(UNFINISHED).execute(Tuple.of(limit)).map(rows -> {
            List<LogoutJob> jobs = new ArrayList<>();
            rows.forEach(row -> jobs.add(job(row)));
            return jobs;
        });
    }

    private static Optional<LogoutJob> first(RowSet<Row> rows) {
        var it = rows.iterator();
        return it.hasNext() ? Optional.of(job(it.next())) : Optional.empty();
    }

    private static LogoutJob job(Row row) {
        return new LogoutJob(
                row.getUUID("id"),
                LogoutJob.Kind.valueOf(row.getString("kind").toUpperCase(Locale.ROOT)),
                row.getString("target"),
                row.getString("reason"),
                row.getOffsetDateTime("cutoff"),
                row.getLong("ended_count"),
                row.getOffsetDateTime("created_at"),
                Optional.ofNullable(row.getOffsetDateTime("finished_at")),
                Optional.ofNullable(row.getUUID("after_session")));
    }
}
