package io.latchkey.auth.revocation;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.session.SessionRepository;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logout with an access token: ends the token's session ({@code sid} entry), or with {@code everywhere} every
 * open session of its user plus a {@code sub} entry and a raised {@code tokens_not_before}. The session rows are
 * locked ({@code FOR UPDATE}) before they end, so a refresh of the same session either commits first, and its
 * new token carries the {@code sid} this logout lists, or waits and then finds the session ended. The entries
 * and the audit row commit in one transaction before the answer.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2.1">RFC 7009 §2.1</a>
 */
public final class Logout {
    private static final Logger LOG = LoggerFactory.getLogger(Logout.class);
    static final String INVALID_TOKEN = "The access token is invalid, expired or revoked";
    static final String NO_SESSION = "The access token belongs to no session (it has no sid)";

    private final Pool pool;
    private final AccessTokenVerifier verifier;
    private final SessionRepository sessions;
    private final SessionTerminator terminator;
    private final AuditRepository audit;

    public Logout(
            Pool pool,
            AccessTokenVerifier verifier,
            SessionRepository sessions,
            SessionTerminator terminator,
            AuditRepository audit) {
        this.pool = pool;
        this.verifier = verifier;
        this.sessions = sessions;
        this.terminator = terminator;
        this.audit = audit;
    }

    /** Ends the session of {@code accessToken} (or all of its user's with {@code everywhere}). */
    public Future<Void> logout(String accessToken, boolean everywhere, String ip) {
        return logout(accessToken, everywhere, ip, claims -> Future.succeededFuture());
    }

    /**
     * As {@link #logout(String, boolean, String)}, with {@code presentation} judging how the verified token was
     * presented (its DPoP binding) before anything is ended; its failure is the answer.
     */
    public Future<Void> logout(
            String accessToken, boolean everywhere, String ip, Function<JsonObject, Future<Void>> presentation) {
        return verifier.verify(accessToken).compose(verified -> {
            if (verified.isEmpty()) {
                return Future.failedFuture(OAuthError.invalidToken(INVALID_TOKEN));
            }
            return presentation.apply(verified.get()).compose(v -> end(verified.get(), everywhere, ip));
        });
    }

    private Future<Void> end(JsonObject claims, boolean everywhere, String ip) {
        Optional<UUID> sid = uuid(claims.getValue("sid"));
        Optional<UUID> user = uuid(claims.getValue("sub"));
        if (sid.isEmpty() || user.isEmpty()) {
            return Future.failedFuture(OAuthError.invalidRequest(NO_SESSION));
        }
        String clientId = claims.getString("client_id");
        return Transactions.run(
                        pool,
                        sql -> everywhere
                                ? endEverywhere(sql, user.get(), sid.get(), clientId, ip)
                                : endOne(sql, sid.get(), clientId, ip))
                .onSuccess(v -> LOG.info(
                        "logout{} client={} sub={} sid={}",
                        everywhere ? " everywhere" : "",
                        clientId,
                        user.get(),
                        sid.get()));
    }

    private Future<Void> endOne(SqlConnection sql, UUID sid, String clientId, String ip) {
        return sessions.lockOpenById(sql, sid).compose(user -> {
            if (user.isEmpty()) {
                // Ended (or pruned) between the token check and the lock: the sid entry already exists.
                return Future.succeededFuture();
            }
            return terminator
                    .endSession(sql, sid, "logout")
                    .compose(v -> audit.record(sql, AuditEvent.logout(clientId, user.get(), sid, ip)));
        });
    }

    private Future<Void> endEverywhere(SqlConnection sql, UUID user, UUID sid, String clientId, String ip) {
        // endUser locks the user's open sessions in id order, like user disable, so the two cannot deadlock;
        // locking this token's session first would break that order.
        return terminator
                .endUser(sql, user, "logout_everywhere")
                .compose(ended -> audit.record(
                        sql,
                        AuditEvent.logoutEverywhere(
                                clientId,
                                user,
                                sid,
                                ip,
                                ended.count(),
                                ended.logoutJob().orElse(null))));
    }

    private static Optional<UUID> uuid(Object value) {
        if (!(value instanceof String s)) {
            return Optional.empty();
        }
        try {
            return Optional.of(UUID.fromString(s));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
