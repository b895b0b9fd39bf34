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
            INSERT INTO sessions (id, user_id, client_id, scope, auth_time, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)""";
    private static final String ADD_REFRESH = """
            INSERT INTO refresh_tokens (token_hash, session_id, expires_at) VALUES ($1, $2, $3)""";
    // The user's row comes along unlocked, saving a round trip: anything that disables the user or raises its
    // tokens_not_before ends this session under the same lock, so a stale user row always meets an ended session.
    private static final String LOCK_BY_REFRESH = """
            SELECT s.id, s.user_id, s.client_id, s.scope, s.auth_time, s.expires_at AS session_expires_at,
                   s.ended_at IS NOT NULL AS ended, r.expires_at AS token_expires_at, r.used_at IS NOT NULL AS used,
                   u.disabled AS user_disabled, u.tokens_not_before AS user_tokens_not_before
            FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
            WHERE r.token_hash = $1
            FOR UPDATE OF s""";
    private static final String LOCK_BY_ID = """
            SELECT user_id, ended_at IS NOT NULL AS ended FROM sessions WHERE id = $1 FOR UPDATE""";
    // Compare-and-set and the successor in one statement: no row inserted when the old token was already used.
    private static final String ROTATE = """
            WITH used AS (
                UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1 AND used_at IS NULL
                RETURNING session_id)
            INSERT INTO refresh_tokens (token_hash, session_id, expires_at) SELECT $2, session_id, $3 FROM used""";
    private static final String LOCK_BY_USER = """
            SELECT id FROM sessions WHERE user_id = $1 AND ended_at IS NULL ORDER BY id FOR UPDATE""";
    private static final String LOCK_BY_CLIENT = """
            SELECT id FROM sessions WHERE client_id = $1 AND ended_at IS NULL ORDER BY id FOR UPDATE""";
    private static final String END = """
            UPDATE sessions SET ended_at = now(), end_reason = $2 WHERE id = $1 AND ended_at IS NULL""";

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
    public Future<Void> addRefreshToken(SqlClient sql, UUID sessionId, byte[] tokenHash, OffsetDateTime expiresAt) {
        return sql.preparedQuery(ADD_REFRESH)
                .execute(Tuple.of(Buffer.buffer(tokenHash), sessionId, expiresAt))
                .mapEmpty();
    }

    @Override
    public Future<Optional<LockedRefreshToken>> lockByRefreshToken(SqlClient sql, byte[] tokenHash) {
        return sql.preparedQuery(LOCK_BY_REFRESH)
                .execute(Tuple.of(Buffer.buffer(tokenHash)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    return Optional.of(new LockedRefreshToken(
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
                            row.getLong("user_tokens_not_before")));
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
    public Future<Boolean> rotate(SqlClient sql, byte[] usedHash, byte[] nextHash, OffsetDateTime nextExpiresAt) {
        return sql.preparedQuery(ROTATE)
                .execute(Tuple.of(Buffer.buffer(usedHash), Buffer.buffer(nextHash), nextExpiresAt))
                .map(rows -> rows.rowCount() == 1);
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
    public Future<Boolean> end(SqlClient sql, UUID sessionId, String reason) {
        return sql.preparedQuery(END).execute(Tuple.of(sessionId, reason)).map(rows -> rows.rowCount() == 1);
    }

    private static List<UUID> ids(RowSet<Row> rows) {
        List<UUID> ids = new ArrayList<>();
        rows.forEach(r -> ids.add(r.getUUID("id")));
        return ids;
    }
}
