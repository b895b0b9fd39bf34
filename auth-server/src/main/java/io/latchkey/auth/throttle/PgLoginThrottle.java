package io.latchkey.auth.throttle;

import io.latchkey.auth.client.ClientSecrets;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Locale;
import java.util.OptionalLong;

/** {@link LoginThrottle} on the V6 tables; usernames are kept only as SHA-256 of their lower-cased form. */
public final class PgLoginThrottle implements LoginThrottle {
    // One round trip: the (username, IP) block and the per-IP sum over the last ten one-minute buckets.
    private static final String CHECK = """
            SELECT
              (SELECT ceil(extract(epoch FROM blocked_until - now()))::bigint
                 FROM login_failures_by_user_ip
                WHERE username_hash = $1 AND ip = $2::text::inet AND blocked_until > now()) AS user_wait,
              (SELECT CASE WHEN sum(failures) >= $3
                           THEN ceil(extract(epoch FROM min(minute) + interval '10 minutes' - now()))::bigint END
                 FROM login_failures_by_ip
                WHERE ip = $2::text::inet AND minute > now() - interval '10 minutes') AS ip_wait""";
    // Counts restart after a day of quiet; from the 5th failure on, block for 2^(n-5) s, at most 15 min.
    private static final String RECORD_USER_IP = """
            INSERT INTO login_failures_by_user_ip AS f (username_hash, ip, failures, last_failure_at, blocked_until)
            VALUES ($1, $2::text::inet, 1, now(), NULL)
            ON CONFLICT (username_hash, ip) DO UPDATE SET
              failures = CASE WHEN f.last_failure_at < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END,
              last_failure_at = now(),
              blocked_until = CASE
                WHEN (CASE WHEN f.last_failure_at < now() - interval '1 day' THEN 1 ELSE f.failures + 1 END) >= $3
                THEN now() + make_interval(secs => LEAST($4::double precision,
                       power(2, (CASE WHEN f.last_failure_at < now() - interval '1 day' THEN 1
                                      ELSE f.failures + 1 END) - $3)))
                END""";
    private static final String RECORD_IP = """
            INSERT INTO login_failures_by_ip AS f (ip, minute, failures)
            VALUES ($1::text::inet, date_trunc('minute', now()), 1)
            ON CONFLICT (ip, minute) DO UPDATE SET failures = f.failures + 1""";
    private static final String CLEAR = """
            DELETE FROM login_failures_by_user_ip WHERE username_hash = $1 AND ip = $2::text::inet""";
    private static final String PRUNE_IP =
            "DELETE FROM login_failures_by_ip WHERE minute < now() - interval '11 minutes'";
    private static final String PRUNE_USER_IP = """
            DELETE FROM login_failures_by_user_ip
            WHERE last_failure_at < now() - interval '1 day' AND (blocked_until IS NULL OR blocked_until < now())""";

    @Override
    public Future<OptionalLong> retryAfter(SqlClient sql, String username, String ip) {
        return sql.preparedQuery(CHECK)
                .execute(Tuple.of(key(username), ip, IP_FAILURES_PER_WINDOW))
                .map(rows -> {
                    Row row = rows.iterator().next();
                    Long user = row.getLong("user_wait");
                    Long perIp = row.getLong("ip_wait");
                    long wait = Math.max(user == null ? 0 : user, perIp == null ? 0 : perIp);
                    return user == null && perIp == null ? OptionalLong.empty() : OptionalLong.of(Math.max(1, wait));
                });
    }

    @Override
    public Future<Void> recordFailure(SqlClient sql, String username, String ip) {
        // Both leave at once; the rows are always taken in this order, so two failures cannot deadlock.
        return Future.join(
                        sql.preparedQuery(RECORD_USER_IP)
                                .execute(Tuple.of(
                                        key(username), ip, FAILURES_BEFORE_BACKOFF, (double) MAX_BACKOFF_SECONDS)),
                        sql.preparedQuery(RECORD_IP).execute(Tuple.of(ip)))
                .mapEmpty();
    }

    @Override
    public Future<Void> clear(SqlClient sql, String username, String ip) {
        return sql.preparedQuery(CLEAR).execute(Tuple.of(key(username), ip)).mapEmpty();
    }

    @Override
    public Future<Void> prune(SqlClient sql) {
        return sql.query(PRUNE_IP)
                .execute()
                .compose(v -> sql.query(PRUNE_USER_IP).execute())
                .mapEmpty();
    }

    private static Buffer key(String username) {
        return Buffer.buffer(ClientSecrets.sha256(username.toLowerCase(Locale.ROOT)));
    }
}
