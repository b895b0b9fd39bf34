package io.latchkey.auth.admin;

import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/** {@link AdminDirectory} on PostgreSQL; every statement prepared with parameters. */
public final class PgAdminDirectory implements AdminDirectory {
    private static final String USER_COLUMNS = "id, username, name, email, email_verified, disabled, created_at";
    private static final String USERS = """
            SELECT %s FROM users
            WHERE ($1::uuid IS NULL OR id > $1::uuid) AND ($2::text IS NULL OR lower(username) = lower($2::text))
            ORDER BY id LIMIT $3""".formatted(USER_COLUMNS);
    private static final String USER = "SELECT %s FROM users WHERE id = $1".formatted(USER_COLUMNS);
    /** last_used_at: the newest refresh token of the session was issued at its last use (or its login). */
    private static final String OPEN_SESSIONS = """
            SELECT s.id, s.user_id, s.created_at, s.expires_at,
                   ARRAY(SELECT c.client_id FROM session_clients c WHERE c.session_id = s.id
                         ORDER BY c.first_at, c.client_id) AS client_ids,
                   COALESCE((SELECT max(r.issued_at) FROM refresh_tokens r WHERE r.session_id = s.id), s.created_at)
                       AS last_used_at
            FROM sessions s
            WHERE s.user_id = $1 AND s.ended_at IS NULL AND s.expires_at > now()
              AND ($2::timestamptz IS NULL OR (s.created_at, s.id) > ($2::timestamptz, $3::uuid))
            ORDER BY s.created_at, s.id LIMIT $4""";

    private static final String CLIENT_IDS = """
            SELECT client_id FROM clients WHERE ($1::text IS NULL OR client_id > $1::text) ORDER BY client_id LIMIT $2""";
    private static final String LOCK_CLIENT = """
            SELECT secret_hash IS NULL AS public FROM clients WHERE client_id = $1 FOR UPDATE""";
    private static final String UPDATE_CLIENT = """
            UPDATE clients SET grant_types = $2, scopes = $3, audience = $4::text::jsonb, redirect_uris = $5,
                               post_logout_redirect_uris = $6, backchannel_logout_uri = $7, allowed_cors_origins = $8,
                               first_party = $9, client_name = $10, access_token_signing_alg = $11,
                               dpop_bound_access_tokens = $12, token_endpoint_ip_allowlist = $13, updated_at = now()
            WHERE client_id = $1""";
    private static final String AUDIT = """
            SELECT id, occurred_at, event, client_id, user_id, session_id, host(ip) AS ip, detail::text AS detail
            FROM audit_events WHERE id > $1 ORDER BY id LIMIT $2""";

    private final Pool pool;

    public PgAdminDirectory(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<List<JsonObject>> users(Optional<UUID> afterId, Optional<String> username, int fetch) {
        return pool.preparedQuery(USERS)
                .execute(Tuple.of(afterId.orElse(null), username.orElse(null), fetch))
                .map(rows -> {
                    List<JsonObject> out = new ArrayList<>();
                    rows.forEach(row -> out.add(user(row)));
                    return out;
                });
    }

    @Override
    public Future<Optional<JsonObject>> user(UUID id) {
        return pool.preparedQuery(USER).execute(Tuple.of(id)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(user(it.next())) : Optional.empty();
        });
    }

    private static JsonObject user(Row row) {
        JsonObject out =
                new JsonObject().put("id", row.getUUID("id").toString()).put("username", row.getString("username"));
        if (row.getString("name") != null) {
            out.put("name", row.getString("name"));
        }
        if (row.getString("email") != null) {
            out.put("email", row.getString("email")).put("email_verified", row.getBoolean("email_verified"));
        }
        return out.put("disabled", row.getBoolean("disabled")).put("created_at", epoch(row, "created_at"));
    }

    @Override
    public Future<List<SessionView>> openSessions(UUID userId, Optional<SessionKey> after, int fetch) {
        OffsetDateTime afterCreated =
                after.map(k -> k.createdAt().atOffset(ZoneOffset.UTC)).orElse(null);
        UUID afterSid = after.map(SessionKey::sid).orElse(null);
        return pool.preparedQuery(OPEN_SESSIONS)
                .execute(Tuple.of(userId, afterCreated, afterSid, fetch))
                .map(rows -> {
                    List<SessionView> out = new ArrayList<>();
                    rows.forEach(row -> {
                        Instant created = row.getOffsetDateTime("created_at").toInstant();
                        UUID sid = row.getUUID("id");
                        JsonObject json = new JsonObject()
                                .put("sid", sid.toString())
                                .put("user_id", row.getUUID("user_id").toString())
                                .put("client_ids", new JsonArray(Arrays.asList((Object[])
                                        row.getArrayOfStrings("client_ids"))))
                                .put("created_at", created.getEpochSecond())
                                .put("last_used_at", epoch(row, "last_used_at"))
                                .put("expires_at", epoch(row, "expires_at"));
                        out.add(new SessionView(new SessionKey(created, sid), json));
                    });
                    return out;
                });
    }

    @Override
    public Future<List<String>> clientIds(Optional<String> afterId, int fetch) {
        return pool.preparedQuery(CLIENT_IDS)
                .execute(Tuple.of(afterId.orElse(null), fetch))
                .map(rows -> {
                    List<String> out = new ArrayList<>();
                    rows.forEach(row -> out.add(row.getString("client_id")));
                    return out;
                });
    }

    @Override
    public Future<Optional<Boolean>> lockClientIsPublic(SqlClient sql, String clientId) {
        return sql.preparedQuery(LOCK_CLIENT).execute(Tuple.of(clientId)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Optional.of(it.next().getBoolean("public")) : Optional.empty();
        });
    }

    @Override
    public Future<Void> updateClient(SqlClient sql, NewClient spec) {
        var meta = spec.metadata();
        return sql.preparedQuery(UPDATE_CLIENT)
                .execute(Tuple.from(Arrays.asList(
                        spec.clientId(),
                        spec.grantTypes().toArray(String[]::new),
                        spec.scopes().toArray(String[]::new),
                        Json.encode(spec.audience()),
                        meta.redirectUris().toArray(String[]::new),
                        meta.postLogoutRedirectUris().toArray(String[]::new),
                        meta.backchannelLogoutUri().orElse(null),
                        meta.allowedCorsOrigins().toArray(String[]::new),
                        meta.firstParty(),
                        meta.clientName().orElse(null),
                        meta.accessTokenSigningAlg(),
                        meta.dpopBoundAccessTokens(),
                        meta.tokenEndpointIpAllowlist().toArray(String[]::new))))
                .mapEmpty();
    }

    @Override
    public Future<List<JsonObject>> audit(long afterId, int fetch) {
        return pool.preparedQuery(AUDIT).execute(Tuple.of(afterId, fetch)).map(rows -> {
            List<JsonObject> out = new ArrayList<>();
            rows.forEach(row -> out.add(new JsonObject()
                    .put("id", row.getLong("id"))
                    .put("occurred_at", epoch(row, "occurred_at"))
                    .put("event", row.getString("event"))
                    .put("client_id", row.getString("client_id"))
                    .put("user_id", uuidText(row, "user_id"))
                    .put("session_id", uuidText(row, "session_id"))
                    .put("ip", row.getString("ip"))
                    .put("detail", new JsonObject(row.getString("detail")))));
            return out;
        });
    }

    private static Long epoch(Row row, String column) {
        OffsetDateTime value = row.getOffsetDateTime(column);
        return value == null ? null : value.toEpochSecond();
    }

    private static String uuidText(Row row, String column) {
        UUID value = row.getUUID(column);
        return value == null ? null : value.toString();
    }
}
