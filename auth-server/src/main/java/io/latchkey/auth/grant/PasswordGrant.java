package io.latchkey.auth.grant;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.dpop.SenderConstrainedTokens;
import io.latchkey.auth.login.CredentialCheck;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.session.SessionRepository;
import io.latchkey.auth.token.AccessTokenFactory;
import io.latchkey.auth.token.Scopes;
import io.latchkey.auth.token.TokenSigner;
import io.latchkey.auth.user.User;
import io.latchkey.auth.user.UserRepository;
import io.latchkey.db.Transactions;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource owner password credentials grant, for clients that list it. The credentials are checked as on
 * the login page ({@link CredentialCheck}: throttling before Argon2, one body and one time for every failure). A
 * success opens a session (the {@code sid}) and its first refresh token, clears the (username, IP) back-off and
 * signs the access token inside that transaction, so a failed signature leaves no orphan session and clears
 * nothing. A login costs three database round trips: the two reads sent together, the transaction's statements
 * sent together, and its commit.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.3">RFC 6749 §4.3</a>
 */
public final class PasswordGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordGrant.class);

    private final Pool pool;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final CredentialCheck credentials;
    private final AuditRepository audit;
    private final AccessTokenFactory tokens;
    private final TokenSigner signer;
    private final Duration refreshTtl;
    private final Duration sessionMaxAge;
    private final Clock clock;

    public PasswordGrant(
            Pool pool,
            UserRepository users,
            SessionRepository sessions,
            CredentialCheck credentials,
            AuditRepository audit,
            AccessTokenFactory tokens,
            TokenSigner signer,
            Duration refreshTtl,
            Duration sessionMaxAge,
            Clock clock) {
        this.pool = pool;
        this.users = users;
        this.sessions = sessions;
        this.credentials = credentials;
        this.audit = audit;
        this.tokens = tokens;
        this.signer = signer;
        this.refreshTtl = refreshTtl;
        this.sessionMaxAge = sessionMaxAge;
        this.clock = clock;
    }

    @Override
    public String type() {
        return "password";
    }

    @Override
    public Future<JsonObject> handle(TokenRequest request) {
        Login login = new Login(
                request.client(),
                new CredentialCheck.Attempt(
                        request.client().clientId(),
                        request.ip(),
                        request.form().required("username"),
                        request.form().required("password")),
                Scopes.grant(request.form().optional("scope"), request.client().scopes()),
                request.dpopJkt());
        return credentials.verify(login.attempt()).compose(verified -> openSession(login, verified));
    }

    /** What the request asks for, once parsed. */
    private record Login(Client client, CredentialCheck.Attempt attempt, String scope, Optional<String> dpopJkt) {}

    /** The session a successful login opens, its times fixed once inside the transaction. */
    private record NewSession(
            UUID id, String refreshToken, long authTime, OffsetDateTime end, OffsetDateTime refreshEnd) {}

    /**
     * One transaction: the user re-read under a share lock and the session's writes leave together, then the
     * token is signed before the commit.
     */
    private Future<JsonObject> openSession(Login login, CredentialCheck.Verified verified) {
        return Transactions.run(pool, sql -> {
            NewSession session = newSession();
            // All leave together, the re-read first. It takes a share lock: a password change or disable that
            // committed since the verification wins, and one still in flight waits and then ends this new
            // session too. When the re-read refuses, the writes behind it roll back with the transaction.
            Future<Optional<User>> reread =
                    users.findByIdForShare(sql, verified.user().id());
            Future<?> written = writeSession(sql, login, verified.user(), session);
            return Future.join(reread, written)
                    .transform(done -> confirm(reread, done, verified))
                    .compose(current -> issue(login, current, session));
        });
    }

    private NewSession newSession() {
        long millis = clock.millis();
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
        OffsetDateTime end = now.plus(sessionMaxAge);
        return new NewSession(
                UUID.randomUUID(), RefreshTokens.generate(), millis / 1000, end, min(now.plus(refreshTtl), end));
    }

    /** Clears the back-off, opens the session with its first refresh token and audits the login, all at once. */
    private Future<?> writeSession(SqlConnection sql, Login login, User user, NewSession session) {
        String clientId = login.client().clientId();
        return Future.join(
                credentials.clear(sql, login.attempt()),
                sessions.open(sql, session.id(), user.id(), clientId, login.scope(), session.authTime(), session.end()),
                sessions.addRefreshToken(
                        sql,
                        session.id(),
                        clientId,
                        login.scope(),
                        RefreshTokens.hash(session.refreshToken()),
                        session.refreshEnd(),
                        SenderConstrainedTokens.refreshTokenKey(login.client(), login.dpopJkt())),
                audit.record(
                        sql,
                        AuditEvent.login(
                                clientId,
                                user.id(),
                                session.id(),
                                login.attempt().ip())));
    }

    /** The re-read user, when the login still holds against it and the writes went through. */
    private static Future<User> confirm(
            Future<Optional<User>> reread, AsyncResult<?> done, CredentialCheck.Verified verified) {
        if (reread.succeeded() && !verified.stillHolds(reread.result())) {
            return Future.failedFuture(OAuthError.invalidGrant(CredentialCheck.BAD_CREDENTIALS));
        }
        if (done.failed()) {
            return Future.failedFuture(done.cause());
        }
        return Future.succeededFuture(reread.result().get());
    }

    /** Signs the access token, its {@code iat} no lower than the re-read user's {@code tokens_not_before}. */
    private Future<JsonObject> issue(Login login, User user, NewSession session) {
        Client client = login.client();
        JsonObject claims = SenderConstrainedTokens.bind(
                tokens.userToken(
                        user.id().toString(),
                        client.clientId(),
                        client.audience(),
                        login.scope(),
                        user.tokensNotBefore(),
                        session.id().toString(),
                        session.authTime()),
                login.dpopJkt());
        return signer.sign(TokenSigner.ACCESS_TOKEN, client.signingAlg(), claims)
                .map(token -> {
                    LOG.info(
                            "token issued grant=password client={} sub={} sid={} jti={}",
                            client.clientId(),
                            user.id(),
                            session.id(),
                            claims.getString("jti"));
                    return TokenResponses.of(
                            token, login.dpopJkt(), tokens.ttlSeconds(), login.scope(), session.refreshToken());
                });
    }

    private static OffsetDateTime min(OffsetDateTime a, OffsetDateTime b) {
        return a.isBefore(b) ? a : b;
    }
}
