package io.latchkey.auth.user;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.UUID;

/** Reads and writes {@code users} rows. */
public interface UserRepository {
    /** Case-insensitive, as the unique index is. */
    Future<Optional<User>> findByUsername(SqlClient sql, String username);

    /** Reads the user and holds a share lock until the transaction ends, so admin changes wait for it. */
    Future<Optional<User>> findByIdForShare(SqlClient sql, UUID id);

    /**
     * Creates a user named {@code profile.preferredUsername()} with the profile's optional fields; fails with
     * {@link DuplicateUserException} when the username is taken.
     */
    Future<User> create(UserProfile profile, String passwordHash);

    /**
     * The user's profile, disabled or not (the caller decides whether the user may still be served); empty when no
     * user has this id.
     */
    Future<Optional<UserProfile>> profile(SqlClient sql, UUID id);

    Future<Boolean> updatePasswordHash(SqlClient sql, UUID id, String passwordHash);

    /** Replaces a hash at login only if nobody changed it meanwhile (an admin password change wins). */
    Future<Boolean> rehash(UUID id, String oldHash, String newHash);

    Future<Boolean> disable(SqlClient sql, UUID id);

    /** Raises {@code tokens_not_before} to {@code notBefore} (epoch seconds) unless it is already higher. */
    Future<Void> raiseTokensNotBefore(SqlClient sql, UUID id, long notBefore);

    final class DuplicateUserException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DuplicateUserException() {
            super("username taken", null, false, false);
        }
    }
}
