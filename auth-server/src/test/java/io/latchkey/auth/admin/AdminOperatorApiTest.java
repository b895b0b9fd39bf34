package io.latchkey.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operator half of the admin API: reads of users, sessions, clients, keys and the audit trail, ending a
 * session, updating a client's metadata, and the key operations relayed to key-service; their authorization, their
 * pagination, their 404s for ids that cannot exist, their 400s naming the field, and the audit row of each change.
 */
class AdminOperatorApiTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";
    static final String UNKNOWN_UUID = "0b8e6b8e-2c57-4a0e-9a57-5c1e7a7b0d11";
    static final String UNKNOWN_KID = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    /** Every route this suite adds, with a body where it takes one. */
    static final List<Object[]> NEW_ROUTES = List.of(
            new Object[] {HttpMethod.GET, "/admin/users", null},
            new Object[] {HttpMethod.GET, "/admin/users/" + UNKNOWN_UUID, null},
            new Object[] {HttpMethod.GET, "/admin/users/" + UNKNOWN_UUID + "/sessions", null},
            new Object[] {HttpMethod.POST, "/admin/sessions/" + UNKNOWN_UUID + "/end", null},
            new Object[] {HttpMethod.GET, "/admin/clients", null},
            new Object[] {HttpMethod.GET, "/admin/clients/svc", null},
            new Object[] {HttpMethod.PUT, "/admin/clients/svc", new JsonObject().put("client_name", "x")},
            new Object[] {HttpMethod.GET, "/admin/keys", null},
            new Object[] {HttpMethod.POST, "/admin/keys/rotate", null},
            new Object[] {HttpMethod.POST, "/admin/keys/" + UNKNOWN_KID + "/revoke", null},
            new Object[] {HttpMethod.GET, "/admin/audit", null},
            new Object[] {HttpMethod.GET, "/admin/logout-jobs", null},
            new Object[] {HttpMethod.GET, "/admin/logout-jobs/" + UNKNOWN_UUID, null});

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        TestClients.confidential("rogue-admin").scopes("admin").insert(pool); // audience resource-demo
        TestClients.publicClient("app").insert(pool);
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    static String adminToken() {
        var response =
                stack.auth().postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        assertEquals(200, response.statusCode());
        return response.bodyAsJsonObject().getString("access_token");
    }

    static String clientToken(String clientId) {
        var response = stack.auth().token(clientId, "grant_type=client_credentials");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    static HttpResponse<Buffer> call(HttpMethod method, String path, String token, JsonObject body) {
        return call(stack.auth().client(), method, path, token, body);
    }

    static HttpResponse<Buffer> call(WebClient client, HttpMethod method, String path, String token, JsonObject body) {
        var request = client.request(method, path);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        if (body == null) {
            return Await.result(request.send());
        }
        return Await.result(
                request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()));
    }

    static HttpResponse<Buffer> get(String path) {
        return call(HttpMethod.GET, path, adminToken(), null);
    }

    static long auditRows(String event) {
        return Sql.count(pool, "SELECT count(*) FROM audit_events WHERE event = $1 AND client_id = 'admin-cli'", event);
    }

    static void assertError(HttpResponse<Buffer> response, int status, String error, String description) {
        assertEquals(status, response.statusCode(), response.bodyAsString());
        assertEquals(
                new JsonObject().put("error", error).put("error_description", description),
                response.bodyAsJsonObject());
        assertEquals("no-store", response.getHeader("Cache-Control"));
    }

    /** Logs {@code username} in through the public client and returns the token response. */
    static JsonObject login(String username, String password) {
        var response = stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=password&client_id=app&username=" + username + "&password=" + password);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject();
    }

    @Test
    void everyNewRouteWhenTokenLacksAdminScopeThenForbiddenAndNothingChanges() {
        String token = clientToken("svc");
        long audit = Sql.count(pool, "SELECT count(*) FROM audit_events");
        long keys = Sql.count(pool, "SELECT count(*) FROM signing_keys");
        for (Object[] route : NEW_ROUTES) {
            var response = call((HttpMethod) route[0], (String) route[1], token, (JsonObject) route[2]);
            assertError(response, 403, "insufficient_scope", "The token lacks the admin scope or the right audience");
            assertTrue(
                    response.getHeader("WWW-Authenticate").contains("error=\"insufficient_scope\""),
                    route[1]::toString);
        }
        assertEquals(audit, Sql.count(pool, "SELECT count(*) FROM audit_events"));
        assertEquals(keys, Sql.count(pool, "SELECT count(*) FROM signing_keys"));
    }

    @Test
    void everyNewRouteWhenAdminTokenHasForeignAudienceThenInvalidToken() {
        String token = clientToken("rogue-admin");
        assertEquals("admin", io.latchkey.auth.test.AccessTokens.claims(token).getString("scope"));
        long keys = Sql.count(pool, "SELECT count(*) FROM signing_keys");
        for (Object[] route : NEW_ROUTES) {
            var response = call((HttpMethod) route[0], (String) route[1], token, (JsonObject) route[2]);
            assertError(response, 401, "invalid_token", "The access token is not meant for this server");
            assertTrue(response.getHeader("WWW-Authenticate").contains("error=\"invalid_token\""));
        }
        assertEquals(keys, Sql.count(pool, "SELECT count(*) FROM signing_keys"));
    }

    @Test
    void logoutJobsWhenOneRunsAndOneFinishedThenListedAndReadByIdAndUnknownIsNotFound() {
        String running = UUID.randomUUID().toString();
        String finished = UUID.randomUUID().toString();
        Sql.rows(
                pool,
                "INSERT INTO logout_jobs (id, kind, target, reason, cutoff, ended_count, finished_at)"
                        + " VALUES ($1::uuid, 'client', 'no-such-client', 'client_disabled', now(), 3000, NULL),"
                        + " ($2::uuid, 'user', $3, 'user_disabled', now(), 7, now())",
                running,
                finished,
                UNKNOWN_UUID);
        // Held as a replica running a batch holds it, so this replica's runner skips the job and it stays running.
        var holder = Await.result(pool.getConnection());
        var tx = Await.result(holder.begin());
        Await.result(holder.preparedQuery("SELECT id FROM logout_jobs WHERE id = $1::uuid FOR UPDATE")
                .execute(io.vertx.sqlclient.Tuple.of(running)));
        try {
            var list = get("/admin/logout-jobs");
            assertEquals(200, list.statusCode(), list.bodyAsString());
            var items = list.bodyAsJsonObject().getJsonArray("items");
            assertEquals(1, items.size());
            JsonObject job = items.getJsonObject(0);
            assertEquals(running, job.getString("id"));
            assertEquals("no-such-client", job.getString("client_id"));
            assertEquals("running", job.getString("status"));
            assertEquals(3000, job.getLong("sessions_ended"));
            assertNull(job.getLong("finished_at"));

            var one = get("/admin/logout-jobs/" + finished.toUpperCase(java.util.Locale.ROOT));
            assertEquals(200, one.statusCode(), one.bodyAsString());
            JsonObject done = one.bodyAsJsonObject();
            assertEquals(UNKNOWN_UUID, done.getString("user_id"));
            assertEquals("finished", done.getString("status"));
            assertEquals("user_disabled", done.getString("reason"));
            assertNotNull(done.getLong("finished_at"));
            assertEquals("no-store", one.getHeader("Cache-Control"));

            assertError(get("/admin/logout-jobs/" + UNKNOWN_UUID), 404, "not_found", "No logout job with this id");
            assertError(get("/admin/logout-jobs/not-a-uuid"), 404, "not_found", "No logout job with this id");
        } finally {
            Await.result(tx.rollback());
            Await.result(holder.close());
            Sql.rows(pool, "DELETE FROM logout_jobs WHERE id IN ($1::uuid, $2::uuid)", running, finished);
        }
    }

    @Test
    void pathIdsWhenUnknownOrMalformedThenNotFoundBeforeAnySql() {
        String token = adminToken();
        String longId = "a".repeat(300);
        Map<String, String> noUser = Map.of(
                "/admin/users/" + UNKNOWN_UUID,
                "No user with this id",
                "/admin/users/not-a-uuid",
                "No user with this id",
                "/admin/users/%00",
                "No user with this id",
                "/admin/users/%C3%28",
                "No user with this id",
                "/admin/users/" + longId,
                "No user with this id",
                "/admin/users/" + UNKNOWN_UUID + "/sessions",
                "No user with this id",
                "/admin/users/%00%00/sessions",
                "No user with this id",
                "/admin/clients/no-such-client",
                "No client with this client_id",
                "/admin/clients/%00",
                "No client with this client_id",
                "/admin/clients/" + longId,
                "No client with this client_id");
        noUser.forEach((path, description) ->
                assertError(call(HttpMethod.GET, path, token, null), 404, "not_found", description));
        for (String sid : List.of(UNKNOWN_UUID, "nope", "%00", "%C3%28", longId)) {
            assertError(
                    call(HttpMethod.POST, "/admin/sessions/" + sid + "/end", token, null),
                    404,
                    "not_found",
                    "No open session with this sid");
        }
        for (String client : List.of("no-such-client", "%00", "%C3%28")) {
            assertError(
                    call(
                            HttpMethod.PUT,
                            "/admin/clients/" + client,
                            token,
                            new JsonObject().put("grant_types", new JsonArray())),
                    404,
                    "not_found",
                    "No client with this client_id");
        }
        for (String kid : List.of(UNKNOWN_KID, "short", "%00", "%C3%28", longId)) {
            assertError(
                    call(HttpMethod.POST, "/admin/keys/" + kid + "/revoke", token, null),
                    404,
                    "not_found",
                    "No key with this kid");
        }
        assertEquals(0, auditRows("admin_session_ended"));
    }

    @Test
    void usersWhenPagedThenEveryUserOnceAndUsernameMatchesExactlyIgnoringCase() {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(TestUsers.insert(pool, "pager-" + i, "pager-password-" + i));
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            var response = get("/admin/users?limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            assertEquals(200, response.statusCode(), response.bodyAsString());
            JsonObject page = response.bodyAsJsonObject();
            assertTrue(page.getJsonArray("items").size() <= 2);
            page.getJsonArray("items").forEach(item -> {
                JsonObject user = (JsonObject) item;
                assertFalse(user.containsKey("password_hash"));
                seen.add(user.getString("id"));
            });
            cursor = page.getString("next");
            pages++;
        } while (cursor != null && pages < 20);
        for (UUID id : ids) {
            assertEquals(1, seen.stream().filter(id.toString()::equals).count());
        }
        assertEquals(seen.size(), seen.stream().distinct().count());

        var found = get("/admin/users?username=PAGER-3").bodyAsJsonObject();
        assertNull(found.getValue("next"));
        assertEquals(1, found.getJsonArray("items").size());
        JsonObject user = found.getJsonArray("items").getJsonObject(0);
        assertEquals(ids.get(3).toString(), user.getString("id"));
        assertEquals("pager-3", user.getString("username"));
        assertEquals(false, user.getBoolean("disabled"));
        assertNotNull(user.getLong("created_at"));
        assertEquals(
                0,
                get("/admin/users?username=pager-")
                        .bodyAsJsonObject()
                        .getJsonArray("items")
                        .size());
        assertEquals(user, get("/admin/users/" + ids.get(3)).bodyAsJsonObject());
        assertEquals(
                user, get("/admin/users/" + ids.get(3).toString().toUpperCase()).bodyAsJsonObject());
    }

    @Test
    void listsWhenPageParametersMalformedThenInvalidRequestNamingThem() {
        for (String path : List.of("/admin/users", "/admin/clients", "/admin/keys", "/admin/audit")) {
            for (String limit : List.of("0", "201", "-1", "abc", "", "1e2", "99999999999")) {
                assertError(
                        get(path + "?limit=" + limit),
                        400,
                        "invalid_request",
                        "limit must be an integer from 1 to 200");
            }
            assertError(get(path + "?limit=1&limit=2"), 400, "invalid_request", "limit must not be repeated");
        }
        for (String path : List.of("/admin/users", "/admin/clients", "/admin/keys")) {
            for (String cursor : List.of("%25%25%25", "AA", "!!", "x".repeat(600))) {
                assertError(
                        get(path + "?cursor=" + cursor),
                        400,
                        "invalid_request",
                        "cursor is not valid: pass the next value of the previous page");
            }
        }
        assertError(
                get("/admin/users/" + UNKNOWN_UUID + "/sessions?cursor=AA"),
                400,
                "invalid_request",
                "cursor is not valid: pass the next value of the previous page");
        assertError(get("/admin/users?username=a&username=b"), 400, "invalid_request", "username must not be repeated");
        for (String hostile : List.of("%00", "a%00b", "%C3%28", "x".repeat(300))) {
            var none = get("/admin/users?username=" + hostile);
            assertEquals(200, none.statusCode(), none.bodyAsString());
            assertEquals(new JsonObject().put("items", new JsonArray()).putNull("next"), none.bodyAsJsonObject());
            assertEquals(400, get("/admin/users?cursor=" + hostile).statusCode());
            assertEquals(400, get("/admin/clients?limit=" + hostile).statusCode());
            assertEquals(400, get("/admin/audit?after=" + hostile).statusCode());
        }
        assertError(
                get("/admin/audit?after=-1"),
                400,
                "invalid_request",
                "after must be a non-negative integer (an audit row id)");
        assertError(
                get("/admin/audit?after=1&cursor=2"),
                400,
                "invalid_request",
                "after and cursor must not both be given");
    }

    @Test
    void sessionsWhenListedThenShapeAndWhenEndedThenRevokedOnTheFeedAndAudited() {
        UUID userId = TestUsers.insert(pool, "sess-user", "sess-password-1");
        JsonObject first = login("sess-user", "sess-password-1");
        login("sess-user", "sess-password-1");
        String sid = io.latchkey.auth.test.AccessTokens.claims(first.getString("access_token"))
                .getString("sid");

        var listed = get("/admin/users/" + userId + "/sessions?limit=1");
        assertEquals(200, listed.statusCode(), listed.bodyAsString());
        JsonObject page = listed.bodyAsJsonObject();
        assertEquals(1, page.getJsonArray("items").size());
        assertNotNull(page.getString("next"));
        var second = get("/admin/users/" + userId + "/sessions?limit=1&cursor=" + page.getString("next"))
                .bodyAsJsonObject();
        assertEquals(1, second.getJsonArray("items").size());
        assertNull(second.getValue("next"));
        List<JsonObject> sessions = List.of(
                page.getJsonArray("items").getJsonObject(0),
                second.getJsonArray("items").getJsonObject(0));
        JsonObject mine = sessions.stream()
                .filter(s -> s.getString("sid").equals(sid))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of("sid", "user_id", "client_ids", "created_at", "last_used_at", "expires_at"),
                new ArrayList<>(mine.fieldNames()));
        assertEquals(userId.toString(), mine.getString("user_id"));
        assertEquals(new JsonArray().add("app"), mine.getJsonArray("client_ids"));
        assertTrue(mine.getLong("last_used_at") >= mine.getLong("created_at"));
        assertTrue(mine.getLong("expires_at") > mine.getLong("created_at"));

        long sidEntries = Sql.count(pool, "SELECT count(*) FROM revocations WHERE type = 'sid' AND value = $1", sid);
        var ended = call(HttpMethod.POST, "/admin/sessions/" + sid + "/end", adminToken(), null);
        assertEquals(204, ended.statusCode(), ended.bodyAsString());
        assertEquals(
                sidEntries + 1,
                Sql.count(pool, "SELECT count(*) FROM revocations WHERE type = 'sid' AND value = $1", sid));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_session_ended' AND client_id = 'admin-cli'"
                                + " AND session_id = $1::text::uuid AND user_id = $2",
                        sid,
                        userId));
        var refresh = stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=refresh_token&client_id=app&refresh_token=" + first.getString("refresh_token"));
        assertEquals(400, refresh.statusCode());
        assertEquals(
                1,
                get("/admin/users/" + userId + "/sessions")
                        .bodyAsJsonObject()
                        .getJsonArray("items")
                        .size());
        assertError(
                call(HttpMethod.POST, "/admin/sessions/" + sid + "/end", adminToken(), null),
                404,
                "not_found",
                "No open session with this sid");
    }

    @Test
    void clientsWhenListedAndReadThenNoSecretAndEveryClientOnce() {
        List<String> seen = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = get("/admin/clients?limit=1" + (cursor == null ? "" : "&cursor=" + cursor))
                    .bodyAsJsonObject();
            page.getJsonArray("items").forEach(item -> {
                JsonObject client = (JsonObject) item;
                assertFalse(client.containsKey("client_secret"));
                assertFalse(client.containsKey("secret_hash"));
                seen.add(client.getString("client_id"));
            });
            cursor = page.getString("next");
        } while (cursor != null && seen.size() < 50);
        assertTrue(seen.containsAll(List.of("admin-cli", "app", "rogue-admin", "svc")), seen::toString);
        assertEquals(seen.size(), seen.stream().distinct().count());

        JsonObject svc = get("/admin/clients/svc").bodyAsJsonObject();
        assertEquals("svc", svc.getString("client_id"));
        assertEquals("client_secret_basic", svc.getString("token_endpoint_auth_method"));
        assertEquals(new JsonArray().add("notes:read"), svc.getJsonArray("scopes"));
        assertEquals(false, svc.getBoolean("disabled"));
        assertFalse(svc.containsKey("client_secret"));
    }

    @Test
    void updateClientWhenItSetsAnIpAllowlistThenTheTokenEndpointHoldsToIt() {
        TestClients.confidential("fenced").scopes("notes:read").insert(pool);
        String token = adminToken();
        JsonObject update = new JsonObject()
                .put("grant_types", new JsonArray().add("client_credentials"))
                .put("scopes", new JsonArray().add("notes:read"))
                .put("audience", "resource-demo")
                .put("token_endpoint_ip_allowlist", new JsonArray().add("10.0.0.0/8"));
        var fenced = call(HttpMethod.PUT, "/admin/clients/fenced", token, update);
        assertEquals(200, fenced.statusCode(), fenced.bodyAsString());
        assertEquals(
                new JsonArray().add("10.0.0.0/8"),
                get("/admin/clients/fenced").bodyAsJsonObject().getJsonArray("token_endpoint_ip_allowlist"));
        // The test calls from loopback, outside the list.
        assertEquals(
                401,
                stack.auth().token("fenced", "grant_type=client_credentials").statusCode());

        var opened = call(
                HttpMethod.PUT,
                "/admin/clients/fenced",
                token,
                update.copy().put("token_endpoint_ip_allowlist", new JsonArray().add("127.0.0.0/8")));
        assertEquals(200, opened.statusCode(), opened.bodyAsString());
        assertEquals(
                200,
                stack.auth().token("fenced", "grant_type=client_credentials").statusCode());
    }

    @Test
    void updateClientWhenValidThenStoredReturnedAndAuditedAndWhenBadThenNamedAndUnchanged() {
        TestClients.confidential("editable").scopes("notes:read").insert(pool);
        String token = adminToken();
        JsonObject update = new JsonObject()
                .put("grant_types", new JsonArray().add("client_credentials"))
                .put("scopes", new JsonArray().add("notes:read").add("notes:write"))
                .put("audience", "resource-demo")
                .put("client_name", "Editable App");
        var response = call(HttpMethod.PUT, "/admin/clients/editable", token, update);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("Editable App", body.getString("client_name"));
        assertEquals(new JsonArray().add("notes:read").add("notes:write"), body.getJsonArray("scopes"));
        assertFalse(body.containsKey("client_secret"));
        assertEquals(body, get("/admin/clients/editable").bodyAsJsonObject());
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_client_updated'"
                                + " AND client_id = 'admin-cli' AND detail->>'target_client_id' = 'editable'"));
        // The secret still works: an update never touches it.
        assertEquals(
                200,
                stack.auth()
                        .token("editable", "grant_type=client_credentials&scope=notes:write")
                        .statusCode());

        Map<JsonObject, String> bad = Map.of(
                update.copy().put("client_secret", "x".repeat(40)),
                "client_secret cannot be set here; rotate it with POST /admin/clients/{id}/secret",
                update.copy().put("client_id", "other"),
                "client_id must be the client's own id or absent",
                update.copy().put("scopes", "notes:read"),
                "scopes must be an array of strings",
                update.copy().remove("audience") == null ? update : withoutAudience(update),
                "audience is required",
                update.copy().put("token_endpoint_auth_method", "none"),
                "token_endpoint_auth_method cannot change between none and a secret method",
                update.copy().put("grant_types", new JsonArray().add("implicit")),
                "grant_types must list authorization_code, password, client_credentials or refresh_token",
                update.copy().put("redirect_uris", new JsonArray().add("javascript:alert(1)")),
                "redirect_uris[0] must be an absolute URI");
        bad.forEach((json, description) -> {
            var refused = call(HttpMethod.PUT, "/admin/clients/editable", token, json);
            assertEquals(400, refused.statusCode(), refused.bodyAsString());
            assertEquals("invalid_request", refused.bodyAsJsonObject().getString("error"));
            assertTrue(
                    refused.bodyAsJsonObject()
                            .getString("error_description")
                            .startsWith(description.split(" must ")[0]),
                    refused.bodyAsString());
        });
        assertEquals(body, get("/admin/clients/editable").bodyAsJsonObject());
        var notJson = Await.result(stack.auth()
                .client()
                .request(HttpMethod.PUT, "/admin/clients/editable")
                .putHeader("Authorization", "Bearer " + token)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("[1]")));
        assertError(notJson, 400, "invalid_request", "The body must be a JSON object");
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM audit_events WHERE event = 'admin_client_updated'"));
    }

    private static JsonObject withoutAudience(JsonObject update) {
        JsonObject copy = update.copy();
        copy.remove("audience");
        return copy;
    }

    @Test
    void keysWhenListedRotatedAndRevokedThenRelayedToKeyServiceAndAudited() {
        String token = adminToken();
        var listed = get("/admin/keys");
        assertEquals(200, listed.statusCode(), listed.bodyAsString());
        JsonArray before = listed.bodyAsJsonObject().getJsonArray("items");
        assertNull(listed.bodyAsJsonObject().getValue("next"));
        JsonObject active = before.stream()
                .map(JsonObject.class::cast)
                .filter(k -> k.getString("state").equals("active"))
                .filter(k -> k.getString("alg").equals("RS256"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of("kid", "alg", "state", "published_at", "activates_at", "retires_at"),
                new ArrayList<>(active.fieldNames()));

        assertError(
                call(HttpMethod.POST, "/admin/keys/rotate", token, new JsonObject().put("alg", "HS256")),
                400,
                "invalid_request",
                "alg must be RS256 or ES256");
        assertError(
                call(HttpMethod.POST, "/admin/keys/rotate", token, new JsonObject().put("size", 1)),
                400,
                "invalid_request",
                "the body may only hold alg");
        assertEquals(before.size(), Sql.count(pool, "SELECT count(*) FROM signing_keys"));

        var rotated = call(HttpMethod.POST, "/admin/keys/rotate", token, null);
        assertEquals(201, rotated.statusCode(), rotated.bodyAsString());
        JsonObject fresh = rotated.bodyAsJsonObject();
        assertEquals("published", fresh.getString("state"));
        assertTrue(fresh.getLong("activates_at") > fresh.getLong("published_at"));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_key_rotated' AND detail->>'kid' = $1",
                        fresh.getString("kid")));
        assertEquals(
                before.size() + 1,
                get("/admin/keys").bodyAsJsonObject().getJsonArray("items").size());
        JsonObject paged = get("/admin/keys?limit=1").bodyAsJsonObject();
        assertEquals(1, paged.getJsonArray("items").size());
        assertEquals(
                before.size(),
                get("/admin/keys?cursor=" + paged.getString("next"))
                        .bodyAsJsonObject()
                        .getJsonArray("items")
                        .size());

        var revoked = call(HttpMethod.POST, "/admin/keys/" + fresh.getString("kid") + "/revoke", token, null);
        assertEquals(200, revoked.statusCode(), revoked.bodyAsString());
        assertEquals("revoked", revoked.bodyAsJsonObject().getString("state"));
        assertEquals(false, revoked.bodyAsJsonObject().getBoolean("already_revoked"));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM revocations WHERE type = 'kid' AND value = $1",
                        fresh.getString("kid")));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_key_revoked' AND detail->>'kid' = $1",
                        fresh.getString("kid")));
        JsonObject shown = get("/admin/keys").bodyAsJsonObject().getJsonArray("items").stream()
                .map(JsonObject.class::cast)
                .filter(k -> k.getString("kid").equals(fresh.getString("kid")))
                .findFirst()
                .orElseThrow();
        assertEquals("revoked", shown.getString("state"));
        // Revoking again changes nothing and writes no second row.
        assertEquals(
                true,
                call(HttpMethod.POST, "/admin/keys/" + fresh.getString("kid") + "/revoke", token, null)
                        .bodyAsJsonObject()
                        .getBoolean("already_revoked"));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM audit_events WHERE event = 'admin_key_revoked'"));
    }

    @Test
    void keysWhenFirstKeyServiceUrlDeadThenNextAnswersAndWhenNoneAnswersThenTemporarilyUnavailable() {
        String token = adminToken();
        Map<String, String> env = TestAuthServer.env(db);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:9,http://127.0.0.1:" + stack.keyServiceInternalPort());
        try (TestAuthServer failover = TestAuthServer.start(vertx, env)) {
            var listed = call(failover.client(), HttpMethod.GET, "/admin/keys", token, null);
            assertEquals(200, listed.statusCode(), listed.bodyAsString());
            assertFalse(listed.bodyAsJsonObject().getJsonArray("items").isEmpty());
        }
        Map<String, String> deadEnv = TestAuthServer.env(db);
        deadEnv.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:9,http://127.0.0.1:7");
        long keys = Sql.count(pool, "SELECT count(*) FROM signing_keys");
        try (TestAuthServer dead = TestAuthServer.start(vertx, deadEnv)) {
            for (Object[] route : List.of(
                    new Object[] {HttpMethod.GET, "/admin/keys"},
                    new Object[] {HttpMethod.POST, "/admin/keys/rotate"},
                    new Object[] {HttpMethod.POST, "/admin/keys/" + UNKNOWN_KID + "/revoke"})) {
                var response = call(dead.client(), (HttpMethod) route[0], (String) route[1], token, null);
                assertError(response, 503, "temporarily_unavailable", "key-service did not answer; try again later");
                assertEquals("5", response.getHeader("Retry-After"));
            }
        }
        assertEquals(keys, Sql.count(pool, "SELECT count(*) FROM signing_keys"));
    }

    @Test
    void auditWhenPagedByAfterThenOldestFirstWithoutGapsOrRepeats() {
        TestUsers.insert(pool, "audited-user", "audited-password-1");
        login("audited-user", "audited-password-1");
        login("audited-user", "audited-password-1");
        long total = Sql.count(pool, "SELECT count(*) FROM audit_events");
        List<Long> ids = new ArrayList<>();
        String after = "0";
        while (after != null && ids.size() <= total + 5) {
            JsonObject page = get("/admin/audit?limit=2&after=" + after).bodyAsJsonObject();
            page.getJsonArray("items").forEach(item -> ids.add(((JsonObject) item).getLong("id")));
            after = page.getString("next");
        }
        assertTrue(ids.size() >= total, ids::toString);
        for (int i = 1; i < ids.size(); i++) {
            assertTrue(ids.get(i) > ids.get(i - 1));
        }
        JsonObject login = get("/admin/audit?limit=200").bodyAsJsonObject().getJsonArray("items").stream()
                .map(JsonObject.class::cast)
                .filter(e -> e.getString("event").equals("login"))
                .findFirst()
                .orElseThrow();
        assertEquals(
                List.of("id", "occurred_at", "event", "client_id", "user_id", "session_id", "ip", "detail"),
                new ArrayList<>(login.fieldNames()));
        assertEquals("app", login.getString("client_id"));
        assertEquals("127.0.0.1", login.getString("ip"));
    }
}
