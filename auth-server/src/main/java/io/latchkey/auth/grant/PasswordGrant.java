package io.latchkey.auth.grant;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.http.OAuthError;
import io.latchkey.auth.metrics.AuthMetrics;
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
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
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
 * the two reads sent together, the transaction's statements sent together, and its commit.
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
        String username = request.form().required("username");
        String password = request.form().required("password");
        String scope =
                Scopes.grant(request.form().optional("scope"), request.client().scopes());
        String ip = request.ip();
        // Both reads leave at once on one connection; a throttled attempt has then read a user row it does not
        // use, which costs less than the second round trip every login would pay.
        return pool.withConnection(sql -> {
                    Future<OptionalLong> retryAfter = throttle.retryAfter(sql, username, ip);
                    Future<Optional<User>> user = users.findByUsername(sql, username);
                    return Future.join(retryAfter, user).map(both -> new Attempt(retryAfter.result(), user.result()));
                })
                .compose(attempt -> {
                    if (attempt.retryAfter().isPresent()) {
                        metrics.loginThrottled();
                        LOG.info(
                                "login throttled client={} ip={}",
                                request.client().clientId(),
                                ip);
                        return Future.failedFuture(
                                OAuthError.throttled(attempt.retryAfter().getAsLong()));
                    }
                    Optional<User> user = attempt.user();
                    return hasher.verify(user.map(User::passwordHash).orElse(null), password.toCharArray())
                            .compose(matches -> {
                                if (!matches || user.get().disabled()) {
                                    return fail(request, username, user, matches ? "disabled" : "bad_credentials");
                                }
                                return succeed(request, username, user.get(), password, scope);
                            });
                });
    }

    private record Attempt(OptionalLong retryAfter, Optional<User> user) {}

    private Future<JsonObject> fail(TokenRequest request, String username, Optional<User> user, String reason) {
        metrics.loginFailed();
        String why = user.isEmpty() ? "unknown_user" : reason;
        LOG.info("login failed client={} ip={} reason={}", request.client().clientId(), request.ip(), why);
        return Transactions.run(
                        pool,
                        sql -> Future.join(
                                throttle.recordFailure(sql, username, request.ip()),
                                audit.record(
                                        sql,
                                        AuditEvent.loginFailed(
                                                request.client().clientId(),
                                                user.map(User::id).orElse(null),
                                                request.ip(),
                                                why))))
                .compose(v -> Future.failedFuture(OAuthError.invalidGrant(BAD_CREDENTIALS)));
    }

    private Future<JsonObject> succeed(
            TokenRequest request, String username, User user, String password, String scope) {
        Client client = request.client();
        return rehashIfNeeded(user, password)
                .compose(verifiedHash -> Transactions.run(pool, sql -> {
                    long millis = clock.millis();
                    long authTime = millis / 1000;
                    OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
                    OffsetDateTime sessionEnd = now.plus(sessionMaxAge);
                    OffsetDateTime refreshEnd = min(now.plus(refreshTtl), sessionEnd);
                    UUID sid = UUID.randomUUID();
                    String refresh = RefreshTokens.generate();
                    // All leave together, the re-read first. It takes a share lock: a password change or disable that
                    // committed since the verification wins, and one still in flight waits and then ends this new
                    // session too. When the re-read refuses, the writes behind it roll back with the transaction.
                    Future<Optional<User>> reread = users.findByIdForShare(sql, user.id());
                    Future<?> written = Future.join(
                            throttle.clear(sql, username, request.ip()),
                            sessions.open(sql, sid, user.id(), client.clientId(), scope, authTime, sessionEnd),
                            sessions.addRefreshToken(sql, sid, RefreshTokens.hash(refresh), refreshEnd),
                            audit.record(sql, AuditEvent.login(client.clientId(), user.id(), sid, request.ip())));
                    return Future.join(reread, written).transform(done -> {
                        if (reread.succeeded() && !stillValid(reread.result(), verifiedHash)) {
                            return Future.failedFuture(OAuthError.invalidGrant(BAD_CREDENTIALS));
                        }
                        if (done.failed()) {
                            return Future.failedFuture(done.cause());
                        }
                        JsonObject claims = tokens.userToken(
                                user.id().toString(),
                                client.clientId(),
                                client.audience(),
                                scope,
                                reread.result().get().tokensNotBefore(),
                                sid.toString(),
                                authTime);
                        return signer.sign(claims).map(token -> {
                            LOG.info(
                                    "token issued grant=password client={} sub={} sid={} jti={}",
                                    client.clientId(),
                                    user.id(),
                                    sid,
                                    claims.getString("jti"));
                            return TokenResponses.of(token, tokens.ttlSeconds(), scope, refresh);
                        });
                    });
                }));
    }

    private static boolean stillValid(Optional<User> reread, String verifiedHash) {
        return reread.isPresent()
                && !reread.get().disabled()
                && reread.get().passwordHash().equals(verifiedHash);
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

    static OffsetDateTime min(OffsetDateTime a, OffsetDateTime b) {
        return a.isBefore(b) ? a : b;
    }
}
