package io.latchkey.auth.session;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link SessionRepository} on PostgreSQL. */
public final class PgSessionRepository implements SessionRepository {
    private static final String OPEN = """
            WITH opened AS (
                INSERT INTO sessions (id, user_id, client_id, scope, auth_time, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6) RETURNING id, client_id)
            INSERT INTO session_clients (session_id, client_id) SELECT id, client_id FROM opened""";
    private static final String ADD_REFRESH = """
            INSERT INTO refresh_tokens (token_hash, session_id, client_id, scope, expires_at, dpop_jkt)
            VALUES ($1, $2, $3, $4, $5, $6)""";
    // The user's row comes along unlocked, saving a round trip: anything that disables the user or raises its
    // tokens_not_before ends this session under the session's lock, or records a logout job that covers it, and a
    // session an unfinished job covers reads as ended here. So a stale user row always meets an ended session, and
    // once the request that recorded a job has committed no refresh of its sessions succeeds.
    private static final String FIND_BY_REFRESH = """
            SELECT s.id, s.user_id, r.client_id, r.scope, s.auth_time, s.expires_at AS session_expires_at,
                   (s.ended_at IS NOT NULL OR EXISTS (
                        SELECT 1 FROM logout_jobs j
                        WHERE j.finished_at IS NULL AND s.created_at <= j.cutoff
                          AND ((j.kind = 'user' AND j.target = s.user_id::text)
                               OR (j.kind = 'client' AND j.target IN (
                                   SELECT c.client_id FROM session_clients c WHERE c.session_id = s.id))))) AS ended,
                   r.expires_at AS token_expires_at, r.used_at IS NOT NULL AS used,
                   u.disabled AS user_disabled, u.tokens_not_before AS user_tokens_not_before, r.dpop_jkt
            FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
            WHERE r.token_hash = $1""";
    private static final String LOCK_BY_REFRESH = FIND_BY_REFRESH + "\nFOR UPDATE OF s";
    private static final String LOCK_BY_ID = """
            SELECT user_id, ended_at IS NOT NULL AS ended FROM sessions WHERE id = $1 FOR UPDATE""";
    // The lock and the rotation in one statement. The UPDATE re-checks used_at on the newest row version once the
    // lock is held, so a rotation that committed while this one waited leaves rotated false (compare-and-set); its
    // conditions are the ones RefreshTokenGrant checks on the row, plus the signed iat against not_before.
    private static final String ROTATE = "WITH locked AS (" + LOCK_BY_REFRESH + "),\n" + """
            retired AS (
                UPDATE refresh_tokens SET used_at = now()
                WHERE token_hash = $1 AND used_at IS NULL
                  AND EXISTS (SELECT 1 FROM locked l
                              WHERE l.client_id = $2 AND NOT l.ended AND NOT l.used AND NOT l.user_disabled
                                AND l.token_expires_at > $3 AND l.session_expires_at > $3
                                AND l.user_tokens_not_before <= $6)
                RETURNING session_id),
            successor AS (
                INSERT INTO refresh_tokens (token_hash, session_id, client_id, scope, expires_at, dpop_jkt)
                SELECT $4, l.id, l.client_id, l.scope, LEAST($5, l.session_expires_at), l.dpop_jkt
                FROM retired JOIN locked l ON l.id = retired.session_id
                RETURNING session_id)
            SELECT locked.*, EXISTS (SELECT 1 FROM successor) AS rotated FROM locked""";
    private static final String LOCK_BY_USER = """
            SELECT id FROM sessions WHERE user_id = $1 AND ended_at IS NULL ORDER BY id FOR UPDATE""";
    // Every session the client received tokens in, whichever client started it.
    private static final String LOCK_BY_CLIENT = """
            SELECT s.id FROM sessions s JOIN session_clients c ON c.session_id = s.id
            WHERE c.client_id = $1 AND s.ended_at IS NULL ORDER BY s.id FOR UPDATE OF s""";
    // One batch of a mass logout: the open sessions created at or before the cutoff (now() when none is given) with ids
    // above the cursor, in id order like the unbounded locks above so the two cannot deadlock. The cursor is compared
    // to COALESCE(..., the nil UUID) rather than tested for NULL, so that even a generic plan bounds the index scan
    // (V15's indexes on (user_id, id) of open sessions and (client_id, session_id)) at the cursor.
    // Package-private for the test that reads their plans.
    static final String LOCK_BATCH_BY_USER = """
            SELECT id FROM sessions
            WHERE user_id = $1 AND ended_at IS NULL AND created_at <= COALESCE($2, now())
              AND id > COALESCE($3, '00000000-0000-0000-0000-000000000000'::uuid)
            ORDER BY id LIMIT $4 FOR UPDATE""";
    static final String LOCK_BATCH_BY_CLIENT = """
            SELECT s.id FROM session_clients c JOIN sessions s ON s.id = c.session_id
            WHERE c.client_id = $1 AND s.ended_at IS NULL AND s.created_at <= COALESCE($2, now())
              AND c.session_id > COALESCE($3, '00000000-0000-0000-0000-000000000000'::uuid)
            ORDER BY c.session_id LIMIT $4 FOR UPDATE OF s""";
    private static final String END = """
            UPDATE sessions SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL""";
    private static final String END_ALL = """
            UPDATE sessions SET ended_at = now(), end_reason = $2
            WHERE id = ANY($1) AND ended_at IS NULL
            RETURNING id""";
    private static final String END_EXPIRED = """
            UPDATE sessions SET ended_at = now(), end_reason = 'expired'
            WHERE id IN (SELECT id FROM sessions WHERE expires_at < now() AND ended_at IS NULL
                         ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED)
            RETURNING id""";
    private static final String PRUNE_SESSIONS = """
            DELETE FROM sessions
            WHERE (ended_at IS NOT NULL AND ended_at < now() - interval '1 hour') OR expires_at < now()""";
    private static final String PRUNE_REFRESH_TOKENS = "DELETE FROM refresh_tokens WHERE expires_at < now()";

    @Override
    public Future<Void> open(
            SqlClient sql,
            UUID sessionId,
            UUID userId,
            String clientId,
            String scope,
            long authTime,
            OffsetDateTime expiresAt) {
        return sql.preparedQuery(OPEN)
                .execute(Tuple.of(sessionId, userId, clientId, scope, authTime, expiresAt))
                .mapEmpty();
    }

    @Override
    public Future<Void> addRefreshToken(
            SqlClient sql,
            UUID sessionId,
            String clientId,
            String scope,
            byte[] tokenHash,
            OffsetDateTime expiresAt,
            String dpopJkt) {
        return sql.preparedQuery(ADD_REFRESH)
                .execute(Tuple.of(Buffer.buffer(tokenHash), sessionId, clientId, scope, expiresAt, dpopJkt))
                .mapEmpty();
    }

    @Override
    public Future<Optional<RefreshTokenState>> lockByRefreshToken(SqlClient sql, byte[] tokenHash) {
        return refreshTokenState(sql, LOCK_BY_REFRESH, tokenHash);
    }

    @Override
    public Future<Optional<RefreshTokenState>> findByRefreshToken(SqlClient sql, byte[] tokenHash) {
        return refreshTokenState(sql, FIND_BY_REFRESH, tokenHash);
    }

    private static Future<Optional<RefreshTokenState>> refreshTokenState(
            SqlClient sql, String statement, byte[] tokenHash) {
        return sql.preparedQuery(statement)
                .execute(Tuple.of(Buffer.buffer(tokenHash)))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(refreshTokenState(it.next())) : Optional.empty();
                });
    }

    @Override
    public Future<Optional<UUID>> lockOpenById(SqlClient sql, UUID sessionId) {
        return sql.preparedQuery(LOCK_BY_ID).execute(Tuple.of(sessionId)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            return row.getBoolean("ended") ? Optional.empty() : Optional.of(row.getUUID("user_id"));
        });
    }

    @Override
    public Future<Optional<RefreshAttempt>> rotate(
            SqlClient sql,
            byte[] usedHash,
            String clientId,
            OffsetDateTime now,
            long signedIat,
            byte[] nextHash,
            OffsetDateTime nextExpiresAt) {
        return sql.preparedQuery(ROTATE)
                .execute(Tuple.of(
                        Buffer.buffer(usedHash), clientId, now, Buffer.buffer(nextHash), nextExpiresAt, signedIat))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    return Optional.of(new RefreshAttempt(refreshTokenState(row), row.getBoolean("rotated")));
                });
    }

    @Override
    public Future<List<UUID>> lockOpenByUser(SqlClient sql, UUID userId) {
        return sql.preparedQuery(LOCK_BY_USER).execute(Tuple.of(userId)).map(PgSessionRepository::ids);
    }

    @Override
    public Future<List<UUID>> lockOpenByClient(SqlClient sql, String clientId) {
        return sql.preparedQuery(LOCK_BY_CLIENT).execute(Tuple.of(clientId)).map(PgSessionRepository::ids);
    }

    @Override
    public Future<List<UUID>> lockOpenBatchByUser(
            SqlClient sql, UUID userId, OffsetDateTime cutoff, UUID after, int limit) {
        return sql.preparedQuery(LOCK_BATCH_BY_USER)
                .execute(Tuple.of(userId, cutoff, after, limit))
                .map(PgSessionRepository::ids);
    }

    @Override
    public Future<List<UUID>> lockOpenBatchByClient(
            SqlClient sql, String clientId, OffsetDateTime cutoff, UUID after, int limit) {
        return sql.preparedQuery(LOCK_BATCH_BY_CLIENT)
                .execute(Tuple.of(clientId, cutoff, after, limit))
                .map(PgSessionRepository::ids);
    }

    @Override
    public Future<List<UUID>> endAll(SqlClient sql, List<UUID> ids, String reason) {
        if (ids.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return sql.preparedQuery(END_ALL)
                .execute(Tuple.of(ids.toArray(UUID[]::new), reason))
                .map(PgSessionRepository::ids);
    }

    @Override
    public Future<List<UUID>> endExpired(SqlClient sql, int limit) {
        return sql.preparedQuery(END_EXPIRED).execute(Tuple.of(limit)).map(PgSessionRepository::ids);
    }

    @Override
    public Future<Boolean> end(SqlClient sql, UUID sessionId, String reason) {
        return sql.preparedQuery(END).execute(Tuple.of(sessionId, reason)).map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Future<Void> pruneSessions(SqlClient sql) {
        return sql.query(PRUNE_SESSIONS).execute().mapEmpty();
    }

    @Override
    public Future<Void> pruneRefreshTokens(SqlClient sql) {
        return sql.query(PRUNE_REFRESH_TOKENS).execute().mapEmpty();
    }

    private static RefreshTokenState refreshTokenState(Row row) {
        return new RefreshTokenState(
                row.getUUID("id"),
                row.getUUID("user_id"),
                row.getString("client_id"),
                row.getString("scope"),
                row.getLong("auth_time"),
                row.getOffsetDateTime("session_expires_at"),
                row.getBoolean("ended"),
                row.getOffsetDateTime("token_expires_at"),
                row.getBoolean("used"),
                row.getBoolean("user_disabled"),
                row.getLong("user_tokens_not_before"),
                Optional.ofNullable(row.getString("dpop_jkt")));
    }

    private static List<UUID> ids(RowSet<Row> rows) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID("id")));
        return ids;
    }
}
