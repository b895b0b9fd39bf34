package io.latchkey.auth.login;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.password.PasswordHasher;
import io.latchkey.auth.throttle.LoginThrottle;
import io.latchkey.auth.user.User;
import io.latchkey.auth.user.UserRepository;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks a username and password the one way every login does, whether through the password grant or the hosted
 * login page: a throttled attempt is refused before any Argon2 work; an unknown user is checked against a dummy
 * hash and a disabled one against its real hash, so unknown user, wrong password and disabled user give one
 * failure in the same time; a failure is counted per (username, IP) and audited; a match under old Argon2
 * parameters is rehashed. The caller opens the session and must re-read the user inside that transaction
 * ({@link Verified#stillHolds}), so a disable or password change that commits meanwhile wins.
 */
public final class CredentialCheck {
    private static final Logger LOG = LoggerFactory.getLogger(CredentialCheck.class);
    public static final String BAD_CREDENTIALS = "The username or password is incorrect";

    private final Pool pool;
    private final UserRepository users;
    private final LoginThrottle throttle;
    private final AuditRepository audit;
    private final PasswordHasher hasher;
    private final AuthMetrics metrics;

    public CredentialCheck(
            Pool pool,
            UserRepository users,
            LoginThrottle throttle,
            AuditRepository audit,
            PasswordHasher hasher,
            AuthMetrics metrics) {
        this.pool = pool;
        this.users = users;
        this.throttle = throttle;
        this.audit = audit;
        this.hasher = hasher;
        this.metrics = metrics;
    }

    /** Who is logging in, from where, through which client. */
    public record Attempt(String clientId, String ip, String username, String password) {
        /** Never the password, wherever a record ends up printed. */
        @Override
        public String toString() {
            return "Attempt[client=" + clientId + ", ip=" + ip + "]";
        }
    }

    /** A user whose password matched, and the hash it matched (or its replacement after a rehash). */
    public record Verified(User user, String hash) {
        /** Whether the login still holds against the user as re-read inside the session's transaction. */
        public boolean stillHolds(Optional<User> reread) {
            return reread.isPresent()
                    && !reread.get().disabled()
                    && reread.get().passwordHash().equals(hash);
        }
    }

    /** What the two reads found. */
    private record Found(OptionalLong retryAfter, Optional<User> user) {}

    /**
     * The verified user, or a failed future: {@link OAuthError#throttled} with its {@code Retry-After}, {@code
     * invalid_grant} for bad credentials, or the hasher's {@code temporarily_unavailable} when it is saturated.
     */
    public Future<Verified> verify(Attempt attempt) {
        return read(attempt)
                .compose(found -> admit(attempt, found))
                .compose(user -> checkPassword(attempt, user))
                .compose(user -> rehashIfNeeded(user, attempt.password()).map(hash -> new Verified(user, hash)));
    }

    /** Clears the (username, IP) back-off after a login succeeded, on the session's transaction. */
    public Future<Void> clear(SqlClient sql, Attempt attempt) {
        return throttle.clear(sql, attempt.username(), attempt.ip());
    }

    /**
     * Both reads leave at once on one connection; a throttled attempt has then read a user row it does not use,
     * which costs less than the second round trip every login would pay.
     */
    private Future<Found> read(Attempt attempt) {
        return pool.withConnection(sql -> {
            Future<OptionalLong> retryAfter = throttle.retryAfter(sql, attempt.username(), attempt.ip());
            Future<Optional<User>> user = users.findByUsername(sql, attempt.username());
            return Future.join(retryAfter, user).map(both -> new Found(retryAfter.result(), user.result()));
        });
    }

    /** Refuses a throttled attempt before any Argon2 work. */
    private Future<Optional<User>> admit(Attempt attempt, Found found) {
        if (found.retryAfter().isPresent()) {
            metrics.loginThrottled();
            LOG.info("login throttled client={} ip={}", attempt.clientId(), attempt.ip());
            return Future.failedFuture(OAuthError.throttled(found.retryAfter().getAsLong()));
        }
        return Future.succeededFuture(found.user());
    }

    /**
     * Verifies the password against the user's hash, or the dummy hash for an unknown user, so every failure
     * costs the same; a disabled user fails after its real verification.
     */
    private Future<User> checkPassword(Attempt attempt, Optional<User> user) {
        return hasher.verify(
                        user.map(User::passwordHash).orElse(null),
                        attempt.password().toCharArray())
                .compose(matches -> {
                    if (!matches || user.get().disabled()) {
                        return refuse(attempt, user, matches ? "disabled" : "bad_credentials");
                    }
                    return Future.succeededFuture(user.get());
                });
    }

    /** Counts the failure and audits it in one transaction, then answers as for any bad credentials. */
    private Future<User> refuse(Attempt attempt, Optional<User> user, String reason) {
        metrics.loginFailed();
        String why = user.isEmpty() ? "unknown_user" : reason;
        LOG.info("login failed client={} ip={} reason={}", attempt.clientId(), attempt.ip(), why);
        return Transactions.run(
                        pool,
                        sql -> Future.join(
                                throttle.recordFailure(sql, attempt.username(), attempt.ip()),
                                audit.record(
                                        sql,
                                        AuditEvent.loginFailed(
                                                attempt.clientId(),
                                                user.map(User::id).orElse(null),
                                                attempt.ip(),
                                                why))))
                .compose(v -> Future.failedFuture(OAuthError.invalidGrant(BAD_CREDENTIALS)));
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
}
