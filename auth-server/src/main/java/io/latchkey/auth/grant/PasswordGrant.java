package io.latchkey.auth.grant;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.password.PasswordHasher;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.session.SessionRepository;
import io.latchkey.auth.throttle.LoginThrottle;
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
import java.util.OptionalLong;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The resource owner password credentials grant. A throttled attempt is refused before any Argon2 work; an
 * unknown user is checked against a dummy hash and a disabled one against its real hash, so unknown user, wrong
 * password and disabled user give one body in the same time. A success opens a session (the {@code sid}) and
 * its first refresh token, clears the (username, IP) back-off and signs the access token inside that transaction,
 * so a failed signature leaves no orphan session and clears nothing. A login costs three database round trips:
 * the two reads sent together, the transaction's statements sent together, and its commit. Each step below is
 * one stage of that pipeline: read, admit, check the password, rehash, open the session, issue.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.3">RFC 6749 §4.3</a>
 */
public final class PasswordGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(PasswordGrant.class);
    static final String BAD_CREDENTIALS = "The username or password is incorrect";

    private final Pool pool;
    private final UserRepository users;
    private final SessionRepository sessions;
    private final LoginThrottle throttle;
    private final AuditRepository audit;
    private final PasswordHasher hasher;
    private final AccessTokenFactory tokens;
    private final TokenSigner signer;
    private final Duration refreshTtl;
    private final Duration sessionMaxAge;
    private final Clock clock;
    private final AuthMetrics metrics;

    public PasswordGrant(
            Pool pool,
            UserRepository users,
            SessionRepository sessions,
            LoginThrottle throttle,
            AuditRepository audit,
            PasswordHasher hasher,
            AccessTokenFactory tokens,
            TokenSigner signer,
            Duration refreshTtl,
            Duration sessionMaxAge,
            Clock clock,
            AuthMetrics metrics) {
        this.pool = pool;
        this.users = users;
        this.sessions = sessions;
        this.throttle = throttle;
        this.audit = audit;
        this.hasher = hasher;
        this.tokens = tokens;
        this.signer = signer;
        this.refreshTtl = refreshTtl;
        this.sessionMaxAge = sessionMaxAge;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public String type() {
        return "password";
    }

    @Override
    public Future<JsonObject> handle(TokenRequest request) {
        Login login = new Login(
                request.client(),
                request.ip(),
                request.form().required("username"),
                request.form().required("password"),
                Scopes.grant(request.form().optional("scope"), request.client().scopes()));
        return read(login)
                .compose(attempt -> admit(login, attempt))
                .compose(user -> checkPassword(login, user))
                .compose(user -> rehashIfNeeded(user, login.password()).map(hash -> new Verified(user, hash)))
                .compose(verified -> openSession(login, verified));
    }

    /** What the request asks for, once parsed. */
    private record Login(Client client, String ip, String username, String password, String scope) {
        /** Never the password, wherever a record ends up printed. */
        @Override
        public String toString() {
            return "Login[client=" + client.clientId() + ", ip=" + ip + "]";
        }
    }

    /** What the two reads found. */
    private record Attempt(OptionalLong retryAfter, Optional<User> user) {}

    /** A user whose password matched, and the hash it matched (or its replacement after a rehash). */
    private record Verified(User user, String hash) {}

    /** The session a successful login opens, its times fixed once inside the transaction. */
    private record NewSession(
            UUID id, String refreshToken, long authTime, OffsetDateTime end, OffsetDateTime refreshEnd) {}

    /**
     * Both reads leave at once on one connection; a throttled attempt has then read a user row it does not use,
     * which costs less than the second round trip every login would pay.
     */
    private Future<Attempt> read(Login login) {
        return pool.withConnection(sql -> {
            Future<OptionalLong> retryAfter = throttle.retryAfter(sql, login.username(), login.ip());
            Future<Optional<User>> user = users.findByUsername(sql, login.username());
            return Future.join(retryAfter, user).map(both -> new Attempt(retryAfter.result(), user.result()));
        });
    }

    /** Refuses a throttled attempt before any Argon2 work. */
    private Future<Optional<User>> admit(Login login, Attempt attempt) {
        if (attempt.retryAfter().isPresent()) {
            metrics.loginThrottled();
            LOG.info("login throttled client={} ip={}", login.client().clientId(), login.ip());
            return Future.failedFuture(OAuthError.throttled(attempt.retryAfter().getAsLong()));
        }
        return Future.succeededFuture(attempt.user());
    }

    /**
     * Verifies the password against the user's hash, or the dummy hash for an unknown user, so every failure
     * costs the same; a disabled user fails after its real verification.
     */
    private Future<User> checkPassword(Login login, Optional<User> user) {
        return hasher.verify(
                        user.map(User::passwordHash).orElse(null),
                        login.password().toCharArray())
                .compose(matches -> {
                    if (!matches || user.get().disabled()) {
                        return refuse(login, user, matches ? "disabled" : "bad_credentials");
                    }
                    return Future.succeededFuture(user.get());
                });
    }

    /** Counts the failure and audits it in one transaction, then answers as for any bad credentials. */
    private Future<User> refuse(Login login, Optional<User> user, String reason) {
        metrics.loginFailed();
        String why = user.isEmpty() ? "unknown_user" : reason;
        String clientId = login.client().clientId();
        LOG.info("login failed client={} ip={} reason={}", clientId, login.ip(), why);
        return Transactions.run(
                        pool,
                        sql -> Future.join(
                                throttle.recordFailure(sql, login.username(), login.ip()),
                                audit.record(
                                        sql,
                                        AuditEvent.loginFailed(
                                                clientId, user.map(User::id).orElse(null), login.ip(), why))))
                .compose(v -> Future.failedFuture(OAuthError.invalidGrant(BAD_CREDENTIALS)));
    }

    /**
     * One transaction: the user re-read under a share lock and the session's writes leave together, then the
     * token is signed before the commit.
     */
    private Future<JsonObject> openSession(Login login, Verified verified) {
        return Transactions.run(pool, sql -> {
            NewSession session = newSession();
            // All leave together, the re-read first. It takes a share lock: a password change or disable that
            // committed since the verification wins, and one still in flight waits and then ends this new
            // session too. When the re-read refuses, the writes behind it roll back with the transaction.
            Future<Optional<User>> reread =
                    users.findByIdForShare(sql, verified.user().id());
            Future<?> written = writeSession(sql, login, verified.user(), session);
            return Future.join(reread, written)
                    .transform(done -> confirm(reread, done, verified.hash()))
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
                throttle.clear(sql, login.username(), login.ip()),
                sessions.open(sql, session.id(), user.id(), clientId, login.scope(), session.authTime(), session.end()),
                sessions.addRefreshToken(
                        sql,
                        session.id(),
                        clientId,
                        login.scope(),
                        RefreshTokens.hash(session.refreshToken()),
                        session.refreshEnd()),
                audit.record(sql, AuditEvent.login(clientId, user.id(), session.id(), login.ip())));
    }

    /** The re-read user, when the login still holds against it and the writes went through. */
    private static Future<User> confirm(Future<Optional<User>> reread, AsyncResult<?> done, String verifiedHash) {
        if (reread.succeeded() && !stillValid(reread.result(), verifiedHash)) {
            return Future.failedFuture(OAuthError.invalidGrant(BAD_CREDENTIALS));
        }
        if (done.failed()) {
            return Future.failedFuture(done.cause());
        }
        return Future.succeededFuture(reread.result().get());
    }

    private static boolean stillValid(Optional<User> reread, String verifiedHash) {
        return reread.isPresent()
                && !reread.get().disabled()
                && reread.get().passwordHash().equals(verifiedHash);
    }

    /** Signs the access token, its {@code iat} no lower than the re-read user's {@code tokens_not_before}. */
    private Future<JsonObject> issue(Login login, User user, NewSession session) {
        Client client = login.client();
        JsonObject claims = tokens.userToken(
                user.id().toString(),
                client.clientId(),
                client.audience(),
                login.scope(),
                user.tokensNotBefore(),
                session.id().toString(),
                session.authTime());
        return signer.sign(claims).map(token -> {
            LOG.info(
                    "token issued grant=password client={} sub={} sid={} jti={}",
                    client.clientId(),
                    user.id(),
                    session.id(),
                    claims.getString("jti"));
            return TokenResponses.of(token, tokens.ttlSeconds(), login.scope(), session.refreshToken());
        });
    }

    /** The stored hash after the login: rehashed when the Argon2 parameters changed, else the same. */
    private Future<String> rehashIfNeeded(User user, String password) {
        if (!hasher.needsRehash(user.passwordHash())) {
            return Future.succeededFuture(user.passwordHash());
        }
        return hasher.hash(password.toCharArray())
                .compose(newHash -> users.rehash(user.id(), user.passwordHash(), newHash)
                        .map(replaced -> {
                            if (replaced) {
                                LOG.info("password rehashed with the current Argon2 parameters user={}", user.id());
                                return newHash;
                            }
                            return user.passwordHash();
                        }))
                // A busy hasher must not turn a good login into a failure; the next login rehashes.
                .recover(e -> Future.succeededFuture(user.passwordHash()));
    }

    private static OffsetDateTime min(OffsetDateTime a, OffsetDateTime b) {
        return a.isBefore(b) ? a : b;
    }
}
