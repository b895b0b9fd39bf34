package io.latchkey.auth.revocation;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.session.RefreshTokenState;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.session.SessionRepository;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Revokes a token for the client that holds it. Only a valid, unexpired token issued to the authenticated client
 * changes anything: a refresh token ends its session (a {@code sid} entry; the session row locked, as a refresh
 * locks it), an access token gets a {@code jti} entry until its {@code exp} + 60 s. Anything else, including a
 * token of another client, an expired or already revoked one, or garbage, changes nothing, and the caller gets
 * the same answer either way, so the endpoint tells nobody whether a token exists. The kind of token is told by
 * its shape (an access token is a JWS with dots, a refresh token never has one), which is why {@code
 * token_type_hint} is not needed to find it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.2">RFC 7009 §2.2</a>
 */
public final class TokenRevocation {
    private static final Logger LOG = LoggerFactory.getLogger(TokenRevocation.class);
    /** Refresh tokens are 43 characters; anything far longer cannot be one and is not worth hashing. */
    private static final int MAX_REFRESH_LENGTH = 512;

    private final Pool pool;
    private final AccessTokenVerifier verifier;
    private final SessionRepository sessions;
    private final SessionTerminator terminator;
    private final AuditRepository audit;
    private final Clock clock;

    public TokenRevocation(
            Pool pool,
            AccessTokenVerifier verifier,
            SessionRepository sessions,
            SessionTerminator terminator,
            AuditRepository audit,
            Clock clock) {
        this.pool = pool;
        this.verifier = verifier;
        this.sessions = sessions;
        this.terminator = terminator;
        this.audit = audit;
        this.clock = clock;
    }

    /** Revokes {@code token} if {@code client} may; completes once any entry is committed. */
    public Future<Void> revoke(Client client, String token, String ip) {
        return token.indexOf('.') >= 0 ? revokeAccessToken(client, token, ip) : revokeRefreshToken(client, token, ip);
    }

    private Future<Void> revokeAccessToken(Client client, String token, String ip) {
        return verifier.verify(token).compose(verified -> {
            if (verified.isEmpty() || !client.clientId().equals(verified.get().getValue("client_id"))) {
                LOG.info("revocation ignored: no valid access token of client={}", client.clientId());
                return Future.succeededFuture();
            }
            JsonObject claims = verified.get();
            String jti = claims.getString("jti");
            Object sid = claims.getValue("sid");
            return Transactions.run(pool, sql -> terminator
                            .revokeAccessToken(sql, jti, claims.getLong("exp"))
                            .compose(v -> audit.record(
                                    sql,
                                    AuditEvent.accessTokenRevoked(
                                            client.clientId(),
                                            uuidOrNull(claims.getValue("sub")),
                                            uuidOrNull(sid),
                                            ip,
                                            jti))))
                    .onSuccess(v -> LOG.info("access token revoked client={} jti={}", client.clientId(), jti));
        });
    }

    private Future<Void> revokeRefreshToken(Client client, String token, String ip) {
        if (token.length() > MAX_REFRESH_LENGTH) {
            LOG.info("revocation ignored: no valid refresh token of client={}", client.clientId());
            return Future.succeededFuture();
        }
        byte[] hash = RefreshTokens.hash(token);
        return Transactions.run(pool, sql -> sessions.lockByRefreshToken(sql, hash)
                .compose(found -> found.isPresent() && revocable(client, found.get())
                        ? endSession(sql, client, found.get(), ip)
                        : ignored(client)));
    }

    /** Issued to this client, not yet rotated, unexpired, and its session open. */
    private boolean revocable(Client client, RefreshTokenState rt) {
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
        return rt.clientId().equals(client.clientId())
                && !rt.sessionEnded()
                && !rt.used()
                && rt.tokenExpiresAt().isAfter(now)
                && rt.sessionExpiresAt().isAfter(now);
    }

    private Future<Void> endSession(SqlConnection sql, Client client, RefreshTokenState rt, String ip) {
        return terminator
                .endSession(sql, rt.sessionId(), "revoked")
                .compose(v -> audit.record(
                        sql, AuditEvent.refreshTokenRevoked(client.clientId(), rt.userId(), rt.sessionId(), ip)))
                .onSuccess(v -> LOG.info("refresh token revoked client={} sid={}", client.clientId(), rt.sessionId()));
    }

    private static Future<Void> ignored(Client client) {
        LOG.info("revocation ignored: no valid refresh token of client={}", client.clientId());
        return Future.succeededFuture();
    }

    private static UUID uuidOrNull(Object value) {
        if (value instanceof String s) {
            try {
                return UUID.fromString(s);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        return null;
    }
}
