package io.latchkey.auth.backchannel;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** {@link BackchannelOutbox} on PostgreSQL. */
public final class PgBackchannelOutbox implements BackchannelOutbox {
    private static final String ENQUEUE = """
            INSERT INTO backchannel_deliveries (session_id, client_id, subject, uri)
            SELECT sc.session_id, sc.client_id, s.user_id::text, c.backchannel_logout_uri
            FROM session_clients sc
            JOIN sessions s ON s.id = sc.session_id
            JOIN clients c ON c.client_id = sc.client_id
            WHERE sc.session_id = ANY($1) AND c.backchannel_logout_uri IS NOT NULL
            ON CONFLICT (session_id, client_id) DO NOTHING""";
    private static final String CLAIM = """
            UPDATE backchannel_deliveries
            SET attempts = attempts + 1, next_attempt_at = now() + $2 * interval '1 millisecond'
            WHERE id IN (SELECT id FROM backchannel_deliveries
                         WHERE delivered_at IS NULL AND abandoned_at IS NULL AND next_attempt_at <= now()
                         ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id, session_id, client_id, subject, uri, jti, attempts, created_at,
                      coalesce((SELECT c.access_token_signing_alg FROM clients c
                                WHERE c.client_id = backchannel_deliveries.client_id), 'RS256') AS signing_alg""";
    private static final String DELIVERED = """
            UPDATE backchannel_deliveries SET delivered_at = now(), last_error = NULL WHERE id = ANY($1)""";
    private static final String FAILED = """
            UPDATE backchannel_deliveries
            SET last_error = $2, next_attempt_at = $3, abandoned_at = CASE WHEN $4 THEN now() END
            WHERE id = $1 AND delivered_at IS NULL""";
    private static final String PENDING = """
            SELECT count(*) FROM backchannel_deliveries WHERE delivered_at IS NULL AND abandoned_at IS NULL""";
    private static final String PRUNE = """
            DELETE FROM backchannel_deliveries
            WHERE (delivered_at IS NOT NULL OR abandoned_at IS NOT NULL) AND created_at < now() - interval '1 day'""";

    @Override
    public Future<Void> enqueue(SqlClient sql, List<UUID> sessionIds) {
        if (sessionIds.isEmpty()) {
            return Future.succeededFuture();
        }
        return sql.preparedQuery(ENQUEUE)
                .execute(Tuple.of(sessionIds.toArray(UUID[]::new)))
                .mapEmpty();
    }

    @Override
    public Future<List<Delivery>> claimDue(SqlClient sql, int limit, Duration lease) {
        return sql.preparedQuery(CLAIM)
                .execute(Tuple.of(limit, lease.toMillis()))
                .map(rows -> {
                    List<Delivery> claimed = new ArrayList<>();
                    for (Row row : rows) {
                        claimed.add(new Delivery(
                                row.getLong("id"),
                                row.getUUID("session_id"),
                                row.getString("client_id"),
                                row.getString("subject"),
                                row.getString("uri"),
                                row.getString("jti"),
                                row.getInteger("attempts"),
                                row.getOffsetDateTime("created_at"),
                                row.getString("signing_alg")));
                    }
                    return claimed;
                });
    }

    @Override
    public Future<Void> delivered(SqlClient sql, List<Long> ids) {
        return sql.preparedQuery(DELIVERED)
                .execute(Tuple.of(ids.toArray(Long[]::new)))
                .mapEmpty();
    }

    @Override
    public Future<Void> failed(SqlClient sql, long id, String error, OffsetDateTime next, boolean abandon) {
        return sql.preparedQuery(FAILED)
                .execute(Tuple.of(id, error, next, abandon))
                .mapEmpty();
    }

    @Override
    public Future<Long> pending(SqlClient sql) {
        return sql.query(PENDING).execute().map(rows -> rows.iterator().next().getLong(0));
    }

    @Override
    public Future<Void> prune(SqlClient sql) {
        return sql.query(PRUNE).execute().mapEmpty();
    }
}
