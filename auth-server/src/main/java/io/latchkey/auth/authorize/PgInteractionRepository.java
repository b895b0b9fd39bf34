package io.latchkey.auth.authorize;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/** {@link InteractionRepository} on PostgreSQL. */
public final class PgInteractionRepository implements InteractionRepository {
    private static final String CREATE = """
            INSERT INTO interactions (id, browser_hash, csrf_token, client_id, redirect_uri, redirect_uri_given, scope,
                                      state, code_challenge, nonce, prompt, max_age, login_hint, expires_at,
                                      dpop_jkt)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""";
    private static final String FIND = """
            SELECT id, browser_hash, csrf_token, client_id, redirect_uri, redirect_uri_given, scope, state,
                   code_challenge, nonce, prompt, max_age, login_hint, session_id, expires_at, dpop_jkt
            FROM interactions WHERE id = $1""";
    private static final String ATTACH = "UPDATE interactions SET session_id = $2 WHERE id = $1";
    private static final String COMPLETE = """
            UPDATE interactions SET completed_at = now() WHERE id = $1 AND completed_at IS NULL""";
    private static final String PRUNE = "DELETE FROM interactions WHERE expires_at < now() - interval '1 day'";

    @Override
    public Future<Void> create(SqlClient sql, Interaction i) {
        return sql.preparedQuery(CREATE)
                .execute(Tuple.from(Arrays.asList(
                        i.id(),
                        Buffer.buffer(i.browserHash()),
                        i.csrfToken(),
                        i.clientId(),
                        i.redirectUri(),
                        i.redirectUriGiven(),
                        i.scope(),
                        i.state().orElse(null),
                        i.codeChallenge(),
                        i.nonce().orElse(null),
                        i.prompt().isEmpty() ? null : String.join(" ", i.prompt()),
                        i.maxAge().isPresent() ? i.maxAge().getAsLong() : null,
                        i.loginHint().orElse(null),
                        i.expiresAt(),
                        i.dpopJkt().orElse(null))))
                .mapEmpty();
    }

    @Override
    public Future<Optional<Interaction>> find(SqlClient sql, String id) {
        return sql.preparedQuery(FIND).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(toInteraction(it.next())) : Optional.empty();
        });
    }

    @Override
    public Future<Void> attachSession(SqlClient sql, String id, UUID sessionId) {
        return sql.preparedQuery(ATTACH).execute(Tuple.of(id, sessionId)).mapEmpty();
    }

    @Override
    public Future<Void> complete(SqlClient sql, String id) {
        return sql.preparedQuery(COMPLETE).execute(Tuple.of(id)).mapEmpty();
    }

    @Override
    public Future<Void> prune(SqlClient sql) {
        return sql.query(PRUNE).execute().mapEmpty();
    }

    private static Interaction toInteraction(Row row) {
        String prompt = row.getString("prompt");
        Long maxAge = row.getLong("max_age");
        return new Interaction(
                row.getString("id"),
                row.getBuffer("browser_hash").getBytes(),
                row.getString("csrf_token"),
                row.getString("client_id"),
                row.getString("redirect_uri"),
                row.getBoolean("redirect_uri_given"),
                row.getString("scope"),
                Optional.ofNullable(row.getString("state")),
                row.getString("code_challenge"),
                Optional.ofNullable(row.getString("nonce")),
                prompt == null ? Set.of() : Set.of(prompt.split(" ")),
                maxAge == null ? OptionalLong.empty() : OptionalLong.of(maxAge),
                Optional.ofNullable(row.getString("login_hint")),
                Optional.ofNullable(row.getUUID("session_id")),
                row.getOffsetDateTime("expires_at"),
                Optional.ofNullable(row.getString("dpop_jkt")));
    }
}
