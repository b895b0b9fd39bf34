package io.latchkey.auth.browser;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** {@link BrowserSessionRepository} on PostgreSQL. */
public final class PgBrowserSessionRepository implements BrowserSessionRepository {
    private static final String FIND_OPEN = """
            SELECT s.id, s.user_id, u.username, s.auth_time
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.browser_token_hash = $1 AND s.ended_at IS NULL AND s.expires_at > $2 AND NOT u.disabled""";
    private static final String OPEN = """
            WITH opened AS (
                INSERT INTO sessions (id, user_id, client_id, scope, auth_time, expires_at, browser_token_hash)
                VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id, client_id)
            INSERT INTO session_clients (session_id, client_id) SELECT id, client_id FROM opened""";
    private static final String RENEW = """
            UPDATE sessions SET auth_time = $3, browser_token_hash = $4
            WHERE id = $1 AND user_id = $2 AND ended_at IS NULL""";

    @Override
    public Future<Optional<BrowserSession>> findOpen(SqlClient sql, byte[] cookieHash, OffsetDateTime now) {
        return sql.preparedQuery(FIND_OPEN)
                .execute(Tuple.of(Buffer.buffer(cookieHash), now))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    var row = it.next();
                    return Optional.of(new BrowserSession(
                            row.getUUID("id"),
                            row.getUUID("user_id"),
                            row.getString("username"),
                            row.getLong("auth_time")));
                });
    }

    @Override
    public Future<Void> open(
            SqlClient sql,
            UUID sessionId,
            UUID userId,
            String clientId,
            String scope,
            long authTime,
            OffsetDateTime expiresAt,
            byte[] cookieHash) {
        return sql.preparedQuery(OPEN)
                .execute(Tuple.from(Arrays.asList(
                        sessionId, userId, clientId, scope, authTime, expiresAt, Buffer.buffer(cookieHash))))
                .mapEmpty();
    }

    @Override
    public Future<Boolean> renew(SqlClient sql, UUID sessionId, UUID userId, long authTime, byte[] cookieHash) {
        return sql.preparedQuery(RENEW)
                .execute(Tuple.of(sessionId, userId, authTime, Buffer.buffer(cookieHash)))
                .map(rows -> rows.rowCount() == 1);
    }
}
