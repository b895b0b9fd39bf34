package io.latchkey.auth.admin;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the admin API reads and changes beyond the login path's repositories: users and their open sessions as
 * operators see them, client ids in order, a client's metadata update, and the audit trail. Rows come back as the
 * API's JSON objects (never a password hash or secret hash); lists fetch {@code limit + 1} rows so the caller
 * knows whether a next page exists.
 */
public interface AdminDirectory {
    /** Users ordered by id after {@code afterId}; with {@code username}, only that name, compared case-insensitively. */
    Future<List<JsonObject>> users(Optional<UUID> afterId, Optional<String> username, int fetch);

    Future<Optional<JsonObject>> user(UUID id);

    /** Open sessions of a user ordered by (created_at, sid), after {@code after} when given. */
    Future<List<SessionView>> openSessions(UUID userId, Optional<SessionKey> after, int fetch);

    /** Client ids in order after {@code afterId}. */
    Future<List<String>> clientIds(Optional<String> afterId, int fetch);

    /**
     * Locks the client's row ({@code FOR UPDATE}) and says whether it is public (no secret); empty when there is no
     * such client.
     */
    Future<Optional<Boolean>> lockClientIsPublic(SqlClient sql, String clientId);

    /** Replaces the client's registration metadata (grants, scopes, audience, browser fields); never the secret. */
    Future<Void> updateClient(SqlClient sql, NewClient spec);

    /** Audit rows with an id above {@code afterId}, oldest first. */
    Future<List<JsonObject>> audit(long afterId, int fetch);

    /** A session's place in the list: where the next page resumes. */
    record SessionKey(Instant createdAt, UUID sid) {}

    /** A session as the admin API shows it, with its sort key. */
    record SessionView(SessionKey key, JsonObject json) {}
}
