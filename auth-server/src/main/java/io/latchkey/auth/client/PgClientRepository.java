package io.latchkey.auth.client;

import io.latchkey.common.concurrent.EventLoopBatcher;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.json.Json;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@link ClientRepository} on PostgreSQL. Lookups that queue up on an event loop while earlier ones are out go
 * to the database as one query: each still reads rows committed after its own request arrived, so a disabled
 * client or a rotated secret counts exactly as it would for a lookup of its own.
 */
public final class PgClientRepository implements ClientRepository {
    private static final String FIND = """
            SELECT client_id, secret_hash, grant_types, scopes, audience::text AS audience, disabled, tokens_not_before,
                   redirect_uris, post_logout_redirect_uris, backchannel_logout_uri, allowed_cors_origins, first_party,
                   client_name, access_token_signing_alg, dpop_bound_access_tokens, token_endpoint_ip_allowlist
            FROM clients WHERE client_id = ANY($1)""";

    private static final int LOOKUPS_IN_FLIGHT = 1;
    private static final int MAX_BATCH = 64;
    private static final String INSERT = """
            INSERT INTO clients (client_id, secret_hash, grant_types, scopes, audience, redirect_uris,
                                 post_logout_redirect_uris, backchannel_logout_uri, allowed_cors_origins, first_party,
                                 client_name, access_token_signing_alg, dpop_bound_access_tokens,
                                 token_endpoint_ip_allowlist)
            VALUES ($1, $2, $3, $4, $5::text::jsonb, $6, $7, $8, $9, $10, $11, $12, $13, $14)""";
    private static final String REPLACE_SECRET = """
            UPDATE clients SET secret_hash = $2, updated_at = now() WHERE client_id = $1 AND secret_hash IS NOT NULL""";
    private static final String DISABLE = """
            UPDATE clients SET disabled = true, updated_at = now() WHERE client_id = $1""";
    private static final String RAISE_TOKENS_NOT_BEFORE = """
            UPDATE clients SET tokens_not_before = GREATEST(tokens_not_before, $2), updated_at = now()
            WHERE client_id = $1""";
    private static final String UPSERT_ADMIN = """
            INSERT INTO clients (client_id, secret_hash, grant_types, scopes, audience)
            VALUES ($1, $2, ARRAY['client_credentials'], ARRAY['admin'], to_jsonb($3::text))
            ON CONFLICT (client_id) DO UPDATE
            SET secret_hash = EXCLUDED.secret_hash, grant_types = EXCLUDED.grant_types,
                scopes = EXCLUDED.scopes, audience = EXCLUDED.audience, updated_at = now()
            WHERE clients.secret_hash IS DISTINCT FROM EXCLUDED.secret_hash
               OR clients.audience IS DISTINCT FROM EXCLUDED.audience""";

    private final Pool pool;
    private final EventLoopBatcher<String, Optional<Client>> lookups;

    public PgClientRepository(Pool pool) {
        this.pool = pool;
        this.lookups = new EventLoopBatcher<>(this::findAll, LOOKUPS_IN_FLIGHT, MAX_BATCH);
    }

    @Override
    public Future<Optional<Client>> find(String clientId) {
        if (!ClientIds.wellFormed(clientId)) {
            return Future.succeededFuture(Optional.empty());
        }
        return lookups.submit(clientId);
    }

    private Future<List<AsyncResult<Optional<Client>>>> findAll(List<String> clientIds) {
        return pool.preparedQuery(FIND)
                .execute(Tuple.of(clientIds.toArray(String[]::new)))
                .map(rows -> {
                    Map<String, Client> found = new HashMap<>();
                    rows.forEach(row -> found.put(row.getString("client_id"), toClient(row)));
                    List<AsyncResult<Optional<Client>>> results = new ArrayList<>(clientIds.size());
                    clientIds.forEach(id -> results.add(Future.succeededFuture(Optional.ofNullable(found.get(id)))));
                    return results;
                });
    }

    @Override
    public Future<Void> create(SqlClient sql, Client client) {
        ClientMetadata meta = client.metadata();
        return sql.preparedQuery(INSERT)
                .execute(Tuple.from(Arrays.asList(
                        client.clientId(),
                        client.secretHash() == null ? null : io.vertx.core.buffer.Buffer.buffer(client.secretHash()),
                        client.grantTypes().toArray(String[]::new),
                        client.scopes().toArray(String[]::new),
                        Json.encode(client.audience()),
                        meta.redirectUris().toArray(String[]::new),
                        meta.postLogoutRedirectUris().toArray(String[]::new),
                        meta.backchannelLogoutUri().orElse(null),
                        meta.allowedCorsOrigins().toArray(String[]::new),
                        meta.firstParty(),
                        meta.clientName().orElse(null),
                        meta.accessTokenSigningAlg(),
                        meta.dpopBoundAccessTokens(),
                        meta.tokenEndpointIpAllowlist().toArray(String[]::new))))
                .<Void>mapEmpty()
                .recover(e -> {
                    if (e instanceof PgException pg && "23505".equals(pg.getSqlState())) {
                        return Future.failedFuture(new DuplicateClientException());
                    }
                    return Future.failedFuture(e);
                });
    }

    @Override
    public Future<Boolean> replaceSecret(SqlClient sql, String clientId, byte[] secretHash) {
        return sql.preparedQuery(REPLACE_SECRET)
                .execute(Tuple.of(clientId, io.vertx.core.buffer.Buffer.buffer(secretHash)))
                .map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Future<Boolean> disable(SqlClient sql, String clientId) {
        return sql.preparedQuery(DISABLE).execute(Tuple.of(clientId)).map(rows -> rows.rowCount() == 1);
    }

    @Override
    public Future<Void> raiseTokensNotBefore(SqlClient sql, String clientId, long notBefore) {
        return sql.preparedQuery(RAISE_TOKENS_NOT_BEFORE)
                .execute(Tuple.of(clientId, notBefore))
                .mapEmpty();
    }

    @Override
    public Future<Void> upsertAdminClient(String clientId, byte[] secretHash, String audience) {
        return pool.preparedQuery(UPSERT_ADMIN)
                .execute(Tuple.of(clientId, io.vertx.core.buffer.Buffer.buffer(secretHash), audience))
                .mapEmpty();
    }

    private static Client toClient(Row row) {
        var hash = row.getBuffer("secret_hash");
        return new Client(
                row.getString("client_id"),
                hash == null ? null : hash.getBytes(),
                strings(row, "grant_types"),
                strings(row, "scopes"),
                Json.decodeValue(row.getString("audience")),
                row.getBoolean("disabled"),
                row.getLong("tokens_not_before"),
                new ClientMetadata(
                        strings(row, "redirect_uris"),
                        strings(row, "post_logout_redirect_uris"),
                        Optional.ofNullable(row.getString("backchannel_logout_uri")),
                        strings(row, "allowed_cors_origins"),
                        row.getBoolean("first_party"),
                        Optional.ofNullable(row.getString("client_name")),
                        row.getString("access_token_signing_alg"),
                        row.getBoolean("dpop_bound_access_tokens"),
                        strings(row, "token_endpoint_ip_allowlist")));
    }

    private static List<String> strings(Row row, String column) {
        return List.of(row.getArrayOfStrings(column));
    }
}
