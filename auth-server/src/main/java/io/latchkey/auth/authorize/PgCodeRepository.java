package io.latchkey.auth.authorize;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/** {@link CodeRepository} on PostgreSQL. */
public final class PgCodeRepository implements CodeRepository {
    private static final String ISSUE = """
            INSERT INTO authorization_codes (code_hash, session_id, client_id, redirect_uri, redirect_uri_given,
                                             code_challenge, nonce, scope, expires_at, dpop_jkt)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)""";
    private static final String FIND = """
            SELECT c.session_id, s.user_id, c.client_id, c.redirect_uri, c.redirect_uri_given, c.code_challenge,
                   c.nonce, c.scope, c.expires_at AS code_expires_at, c.used_at IS NOT NULL AS used, s.auth_time,
                   s.ended_at IS NOT NULL AS ended, s.expires_at AS session_expires_at,
                   u.disabled AS user_disabled, u.tokens_not_before AS user_tokens_not_before, c.dpop_jkt
            FROM authorization_codes c JOIN sessions s ON s.id = c.session_id JOIN users u ON u.id = s.user_id
            WHERE c.code_hash = $1""";
    // As the refresh rotation: the lock and the compare-and-set in one statement, the conditions those the grant
    // checked on the unlocked read plus the signed iat against not_before.
    private static final String REDEEM = "WITH locked AS (" + FIND + "\nFOR UPDATE OF s),\n" + """
            redeemed AS (
                UPDATE authorization_codes SET used_at = now()
                WHERE code_hash = $1 AND used_at IS NULL
                  AND EXISTS (SELECT 1 FROM locked l
                              WHERE l.client_id = $2 AND NOT l.ended AND NOT l.used AND NOT l.user_disabled
                                AND l.code_expires_at > $3 AND l.session_expires_at > $3
                                AND l.user_tokens_not_before <= $4)
                RETURNING session_id),
            joined AS (
                INSERT INTO session_clients (session_id, client_id) SELECT session_id, $2 FROM redeemed
                ON CONFLICT DO NOTHING RETURNING session_id),
            refresh AS (
                INSERT INTO refresh_tokens (token_hash, session_id, client_id, scope, expires_at, dpop_jkt)
                SELECT $5::bytea, l.session_id, $2, l.scope, LEAST($6, l.session_expires_at), $7::text
                FROM redeemed JOIN locked l ON l.session_id = redeemed.session_id
                WHERE $5::bytea IS NOT NULL
                RETURNING session_id)
            SELECT locked.*, EXISTS (SELECT 1 FROM redeemed) AS redeemed FROM locked""";
    private static final String PRUNE =
            "DELETE FROM authorization_codes WHERE expires_at < now() - interval '10 minutes'";

    @Override
    public Future<Void> issue(
            SqlClient sql, byte[] codeHash, UUID sessionId, AuthorizeRequest request, OffsetDateTime expiresAt) {
        return sql.preparedQuery(ISSUE)
                .execute(Tuple.from(Arrays.asList(
                        Buffer.buffer(codeHash),
                        sessionId,
                        request.client().clientId(),
                        request.redirectUri(),
                        request.redirectUriGiven(),
                        request.codeChallenge(),
                        request.nonce().orElse(null),
                        request.scope(),
                        expiresAt,
                        request.dpopJkt().orElse(null))))
                .mapEmpty();
    }

    @Override
    public Future<Optional<CodeState>> find(SqlClient sql, byte[] codeHash) {
        return sql.preparedQuery(FIND)
                .execute(Tuple.of(Buffer.buffer(codeHash)))
                .map(rows -> {
                    var it = rows.iterator();
                    return it.hasNext() ? Optional.of(toState(it.next())) : Optional.empty();
                });
    }

    @Override
    public Future<Optional<Redemption>> redeem(
            SqlClient sql,
            byte[] codeHash,
            String clientId,
            OffsetDateTime now,
            long signedIat,
            byte[] refreshHash,
            OffsetDateTime refreshExpiresAt,
            String refreshDpopJkt) {
        return sql.preparedQuery(REDEEM)
                .execute(Tuple.from(Arrays.asList(
                        Buffer.buffer(codeHash),
                        clientId,
                        now,
                        signedIat,
                        refreshHash == null ? null : Buffer.buffer(refreshHash),
                        refreshExpiresAt,
                        refreshDpopJkt)))
                .map(rows -> {
                    var it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    return Optional.of(new Redemption(toState(row), row.getBoolean("redeemed")));
                });
    }

    @Override
    public Future<Void> prune(SqlClient sql) {
        return sql.query(PRUNE).execute().mapEmpty();
    }

    private static CodeState toState(Row row) {
        return new CodeState(
                row.getUUID("session_id"),
                row.getUUID("user_id"),
                row.getString("client_id"),
                row.getString("redirect_uri"),
                row.getBoolean("redirect_uri_given"),
                row.getString("code_challenge"),
                Optional.ofNullable(row.getString("nonce")),
                row.getString("scope"),
                row.getOffsetDateTime("code_expires_at"),
                row.getBoolean("used"),
                row.getLong("auth_time"),
                row.getBoolean("ended"),
                row.getOffsetDateTime("session_expires_at"),
                row.getBoolean("user_disabled"),
                row.getLong("user_tokens_not_before"),
                Optional.ofNullable(row.getString("dpop_jkt")));
    }
}
