package io.latchkey.auth.user;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Optional;
import java.util.UUID;

/** {@link UserRepository} on PostgreSQL. */
public final class PgUserRepository implements UserRepository {
    private static final String FIND_BY_USERNAME = """
            SELECT id, username, password_hash, disabled, tokens_not_before
              FROM users WHERE lower(username) = lower($1)""";
    private static final String FIND_BY_ID_FOR_SHARE = """
            SELECT id, username, password_hash, disabled, tokens_not_before
              FROM users WHERE id = $1 FOR SHARE""";
    private static final String INSERT = """
            INSERT INTO users (username, password_hash, name, email, email_verified) VALUES ($1, $2, $3, $4, $5)
            RETURNING id, username, password_hash, disabled, tokens_not_before""";
    private static final String PROFILE = "SELECT username, name, email, email_verified FROM users WHERE id = $1";
    private static final String UPDATE_HASH = "UPDATE users SET password_hash = $2, updated_at = now() WHERE id = $1";
    private static final String REHASH =
            "UPDATE users SET password_hash = $3, updated_at = now() WHERE id = $1 AND password_hash = $2";
    private static final String DISABLE = "UPDATE users SET disabled = true, updated_at = now() WHERE id = $1";
    private static final String RAISE_TOKENS_NOT_BEFORE = """
            UPDATE users SET tokens_not_before = GREATEST(tokens_not_before, $2), updated_at = now() WHERE id = $1""";

    private final Pool pool;

    public PgUserRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<Optional<User>> findByUsername(SqlClient sql, String username) {
        return sql.preparedQuery(FIND_BY_USERNAME).execute(Tuple.of(username)).map(PgUserRepository::first);
    }

    @Override
    public Future<Optional<User>> findByIdForShare(SqlClient sql, UUID id) {
        return sql.preparedQuery(FIND_BY_ID_FOR_SHARE).execute(Tuple.of(id)).map(PgUserRepository::first);
    }

    @Override
    public Future<User> create(UserProfile profile, String passwordHash) {
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(
                        profile.preferredUsername(),
                        passwordHash,
                        profile.name().orElse(null),
                        profile.email().orElse(null),
                        profile.emailVerified()))
                .map(rows -> first(rows).orElseThrow())
                .recover(e -> e instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? Future.failedFuture(new DuplicateUserException())
                        : Future.failedFuture(e));
    }

    @Override
    public Future<Optional<UserProfile>> profile(SqlClient sql, UUID id) {
        return sql.preparedQuery(PROFILE).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            if (!it.hasNext()) {
                return Optional.empty();
            }
            Row row = it.next();
            return Optional.of(new UserProfile(
                    Optional.ofNullable(row.getString("name")),
                    row.getString("username"),
                    Optional.ofNullable(row.getString("email")),
                    row.getBoolean("email_verified")));
        });
    }

    @Override
    public Future<Boolean> updatePasswordHash(SqlClient sql, UUID id, String passwordHash) {
        return sql.preparedQuery(UPDATE_HASH)
                .execute(Tuple.of(id, passwordHash))
                .map(r -> r.rowCount() == 1);
    }

    @Override
    public Future<Boolean> rehash(UUID id, String oldHash, String newHash) {
        return pool.preparedQuery(REHASH)
                .execute(Tuple.of(id, oldHash, newHash))
                .map(r -> r.rowCount() == 1);
    }

    @Override
    public Future<Boolean> disable(SqlClient sql, UUID id) {
        return sql.preparedQuery(DISABLE).execute(Tuple.of(id)).map(r -> r.rowCount() == 1);
    }

    @Override
    public Future<Void> raiseTokensNotBefore(SqlClient sql, UUID id, long notBefore) {
        return sql.preparedQuery(RAISE_TOKENS_NOT_BEFORE)
                .execute(Tuple.of(id, notBefore))
                .mapEmpty();
    }

    private static Optional<User> first(RowSet<Row> rows) {
        var it = rows.iterator();
        if (!it.hasNext()) {
            return Optional.empty();
        }
        Row row = it.next();
        return Optional.of(new User(
                row.getUUID("id"),
                row.getString("username"),
                row.getString("password_hash"),
                row.getBoolean("disabled"),
                row.getLong("tokens_not_before")));
    }
}
