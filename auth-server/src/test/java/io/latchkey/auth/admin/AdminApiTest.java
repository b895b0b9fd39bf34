package io.latchkey.auth.admin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientMetadata;
import io.latchkey.auth.client.ClientSecrets;
import io.latchkey.auth.client.PgClientRepository;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.user.PgUserRepository;
import io.latchkey.auth.user.UserProfile;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The admin API: bearer rules, users, passwords, clients, and the revocations their changes write. */
class AdminApiTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
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
        assertEquals("admin", response.bodyAsJsonObject().getString("scope"));
        return response.bodyAsJsonObject().getString("access_token");
    }

    static HttpResponse<Buffer> post(String path, String token, JsonObject body) {
        var request = stack.auth().client().request(HttpMethod.POST, path);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        if (body == null) {
            return Await.result(request.send());
        }
        return Await.result(
                request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()));
    }

    static HttpResponse<Buffer> login(String username, String password) {
        return stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=password&client_id=app&username=" + username + "&password=" + password);
    }

    static String createUser(String username, String password) {
        var response = post(
                "/admin/users",
                adminToken(),
                new JsonObject().put("username", username).put("password", password));
        assertEquals(201, response.statusCode());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals(username, body.getString("username"));
        assertEquals(2, body.size());
        return body.getString("id");
    }

    @Test
    void adminWhenNoBearerTokenThenUnauthorizedWithChallenge() {
        var response = post("/admin/users", null, new JsonObject());
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"latchkey\"", response.getHeader("WWW-Authenticate"));
        assertEquals(
                "{\"error\":\"invalid_token\",\"error_description\":\"A bearer token is required\"}",
                response.bodyAsString());
    }

    @Test
    void adminWhenTokenGarbledThenInvalidToken() {
        var response = post("/admin/users", "not.a.token", new JsonObject());
        assertEquals(401, response.statusCode());
        assertEquals(
                "{\"error\":\"invalid_token\",\"error_description\":\"The access token is invalid, expired or revoked\"}",
                response.bodyAsString());
    }

    @Test
    void adminWhenTokenLacksAdminScopeThenForbidden() {
        String token = stack.auth()
                .token("svc", "grant_type=client_credentials")
                .bodyAsJsonObject()
                .getString("access_token");
        var response = post(
                "/admin/users", token, new JsonObject().put("username", "x").put("password", "long-enough-1"));
        assertEquals(403, response.statusCode());
        assertEquals(
                "{\"error\":\"insufficient_scope\",\"error_description\":\"The token lacks the admin scope or the right audience\"}",
                response.bodyAsString());
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM users WHERE username = 'x'"));
    }

    @Test
    void createUserWhenUsernameTakenThenConflictAndWhenBodyNotJsonThenInvalidRequest() {
        createUser("gina", "gina-password-1");
        var taken = post(
                "/admin/users",
                adminToken(),
                new JsonObject().put("username", "GINA").put("password", "another-pass-1"));
        assertEquals(409, taken.statusCode());
        assertEquals("{\"error\":\"conflict\",\"error_description\":\"The username is taken\"}", taken.bodyAsString());
        var garbled = Await.result(stack.auth()
                .client()
                .request(HttpMethod.POST, "/admin/users")
                .putHeader("Authorization", "Bearer " + adminToken())
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer("{\"username\":")));
        assertEquals(400, garbled.statusCode());
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The body is not valid JSON\"}",
                garbled.bodyAsString());
        var shortPassword = post(
                "/admin/users",
                adminToken(),
                new JsonObject().put("username", "hal").put("password", "short"));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"password must have 8 to 1024 characters\"}",
                shortPassword.bodyAsString());
    }

    @Test
    void createUserWhenProfileFieldsGivenThenStoredAndEchoedAndLoginUnchanged() {
        var created = post("/admin/users", adminToken(), new JsonObject("""
                {"username":"Olga","password":"olga-password-1","name":"Olga Q. «Ölga» Example",
                 "email":"olga+work@mail.example.com","email_verified":true}"""));
        assertEquals(201, created.statusCode(), created.bodyAsString());
        assertEquals("no-store", created.getHeader("Cache-Control"));
        JsonObject body = created.bodyAsJsonObject();
        String id = body.getString("id");
        assertEquals(new JsonObject("""
                        {"id":"%s","username":"Olga","name":"Olga Q. «Ölga» Example",
                         "email":"olga+work@mail.example.com","email_verified":true}""".formatted(id)), body);

        assertEquals(
                Optional.of(new UserProfile(
                        Optional.of("Olga Q. «Ölga» Example"),
                        "Olga",
                        Optional.of("olga+work@mail.example.com"),
                        true)),
                Await.result(new PgUserRepository(pool).profile(pool, UUID.fromString(id))));
        assertEquals(200, login("olga", "olga-password-1").statusCode());
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_user_created' AND user_id = $1::text::uuid",
                        id));
    }

    @Test
    void createUserWhenEmailWithoutVerificationOrNoProfileThenStoredUnverifiedOrEmpty() {
        var unverified = post(
                "/admin/users",
                adminToken(),
                new JsonObject()
                        .put("username", "pia")
                        .put("password", "pia-password-1")
                        .put("email", "pia@example.com"));
        assertEquals(201, unverified.statusCode(), unverified.bodyAsString());
        String piaId = unverified.bodyAsJsonObject().getString("id");
        assertEquals(
                new JsonObject()
                        .put("id", piaId)
                        .put("username", "pia")
                        .put("email", "pia@example.com")
                        .put("email_verified", false),
                unverified.bodyAsJsonObject());
        var repository = new PgUserRepository(pool);
        assertEquals(
                Optional.of(new UserProfile(Optional.empty(), "pia", Optional.of("pia@example.com"), false)),
                Await.result(repository.profile(pool, UUID.fromString(piaId))));

        String quinnId = createUser("quinn", "quinn-password-1");
        assertEquals(
                Optional.of(new UserProfile(Optional.empty(), "quinn", Optional.empty(), false)),
                Await.result(repository.profile(pool, UUID.fromString(quinnId))));
        assertEquals(Optional.empty(), Await.result(repository.profile(pool, UUID.randomUUID())));
    }

    @Test
    void createUserWhenProfileFieldsBreakTheirRulesThenInvalidRequestAndNothingStored() {
        long auditRows = Sql.count(pool, "SELECT count(*) FROM audit_events");
        String nameRule = "name must have 1 to 200 characters, not all spaces, and no control characters";
        String emailRule =
                "email must look like local@domain, with at most 254 characters and no spaces or control characters";
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("\"name\":42", "name must be a string");
        refusals.put("\"name\":\"\"", nameRule);
        refusals.put("\"name\":\"Rex\\u0007\"", nameRule);
        refusals.put("\"name\":\"%s\"".formatted("x".repeat(201)), nameRule);
        refusals.put("\"email\":[\"rex@example.com\"]", "email must be a string");
        refusals.put("\"email\":\"rex\"", emailRule);
        refusals.put("\"email\":\"rex @example.com\"", emailRule);
        refusals.put("\"email\":\"rex@example.com\\r\\nBcc: x@example.com\"", emailRule);
        refusals.put("\"email\":\"%s@example.com\"".formatted("r".repeat(243)), emailRule);
        refusals.put(
                "\"email\":\"rex@example.com\",\"email_verified\":\"yes\"", "email_verified must be true or false");
        refusals.put("\"email_verified\":true", "email_verified can only be true with an email");
        refusals.put("\"email\":null,\"email_verified\":true", "email_verified can only be true with an email");
        refusals.forEach((members, description) -> {
            var refused = post(
                    "/admin/users",
                    adminToken(),
                    new JsonObject("{\"username\":\"rex\",\"password\":\"rex-password-1\",%s}".formatted(members)));
            assertEquals(400, refused.statusCode(), members);
            assertEquals(
                    new JsonObject().put("error", "invalid_request").put("error_description", description),
                    refused.bodyAsJsonObject(),
                    members);
        });
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM users WHERE username = 'rex'"));
        assertEquals(auditRows, Sql.count(pool, "SELECT count(*) FROM audit_events"));
    }

    @Test
    void changePasswordWhenSessionsOpenThenSessionsEndAndSubRevoked() throws Exception {
        String id = createUser("ivan", "ivan-password-1");
        JsonObject session = login("ivan", "ivan-password-1").bodyAsJsonObject();
        var changed = post(
                "/admin/users/" + id + "/password", adminToken(), new JsonObject().put("password", "ivan-password-2"));
        assertEquals(204, changed.statusCode());

        assertEquals(400, login("ivan", "ivan-password-1").statusCode());
        assertEquals(
                400,
                stack.auth()
                        .postForm(
                                "/oauth2/token",
                                null,
                                null,
                                "grant_type=refresh_token&client_id=app&refresh_token="
                                        + session.getString("refresh_token"))
                        .statusCode());
        long notBefore = Sql.rows(pool, "SELECT not_before FROM revocations WHERE type = 'sub' AND value = $1", id)
                .get(0)
                .getLong(0);
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM revocations WHERE type = 'sid'"
                                + " AND value IN (SELECT id::text FROM sessions WHERE user_id = $1::text::uuid)",
                        id));
        assertEquals(notBefore, Sql.count(pool, "SELECT tokens_not_before FROM users WHERE id = $1::text::uuid", id));

        var fresh = login("ivan", "ivan-password-2");
        assertEquals(200, fresh.statusCode());
        JWTClaimsSet claims = AccessTokens.verify(
                fresh.bodyAsJsonObject().getString("access_token"), stack.jwksUrl(), "resource-demo");
        assertTrue(claims.getIssueTime().getTime() / 1000 >= notBefore);
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_password_changed'"
                                + " AND user_id = $1::text::uuid AND client_id = 'admin-cli'",
                        id));
    }

    @Test
    void disableUserWhenLoggedInThenLoginRefusedWithSameBody() {
        String id = createUser("judy", "judy-password-1");
        assertEquals(200, login("judy", "judy-password-1").statusCode());
        assertEquals(
                204, post("/admin/users/" + id + "/disable", adminToken(), null).statusCode());
        var refused = login("judy", "judy-password-1");
        assertEquals(
                "{\"error\":\"invalid_grant\",\"error_description\":\"The username or password is incorrect\"}",
                refused.bodyAsString());
        assertEquals(
                0,
                Sql.count(
                        pool, "SELECT count(*) FROM sessions WHERE user_id = $1::text::uuid AND ended_at IS NULL", id));
        var unknown = post("/admin/users/not-a-uuid/disable", adminToken(), null);
        assertEquals(404, unknown.statusCode());
        assertEquals(
                "{\"error\":\"not_found\",\"error_description\":\"No user with this id\"}", unknown.bodyAsString());
    }

    @Test
    void createClientWhenSecretGeneratedThenReturnedOnceAndRotationKillsOldTokens() {
        var created = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"reports","grant_types":["client_credentials"],"scopes":["notes:read"],"audience":"resource-demo"}"""));
        assertEquals(201, created.statusCode());
        assertEquals("no-store", created.getHeader("Cache-Control"));
        String secret = created.bodyAsJsonObject().getString("client_secret");
        assertTrue(secret.length() >= 43);
        var first = stack.auth().postForm("/oauth2/token", "reports", secret, "grant_type=client_credentials");
        assertEquals(200, first.statusCode());
        String oldToken = first.bodyAsJsonObject().getString("access_token");

        var rotated = post("/admin/clients/reports/secret", adminToken(), null);
        assertEquals(200, rotated.statusCode());
        String newSecret = rotated.bodyAsJsonObject().getString("client_secret");
        assertEquals(
                401,
                stack.auth()
                        .postForm("/oauth2/token", "reports", secret, "grant_type=client_credentials")
                        .statusCode());
        var second = stack.auth().postForm("/oauth2/token", "reports", newSecret, "grant_type=client_credentials");
        assertEquals(200, second.statusCode());
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM revocations WHERE type = 'sub' AND value = 'reports'"));
        // The old token is revoked by the sub entry; the new one, with iat >= not_before, is not.
        assertEquals(false, introspect("reports", newSecret, oldToken).getBoolean("active"));
        assertEquals(
                true,
                introspect("reports", newSecret, second.bodyAsJsonObject().getString("access_token"))
                        .getBoolean("active"));

        assertEquals(
                204, post("/admin/clients/reports/disable", adminToken(), null).statusCode());
        assertEquals(
                401,
                stack.auth()
                        .postForm("/oauth2/token", "reports", newSecret, "grant_type=client_credentials")
                        .statusCode());
    }

    @Test
    void createClientWhenIdTakenOrInvalidThenRefusedWithReason() {
        var taken = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"svc","grant_types":["client_credentials"],"scopes":[],"audience":"a"}"""));
        assertEquals(409, taken.statusCode());
        assertEquals("{\"error\":\"conflict\",\"error_description\":\"The client_id is taken\"}", taken.bodyAsString());
        var privileged = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"spa","token_endpoint_auth_method":"none","grant_types":["password"],"scopes":["revocations:read"],"audience":"a"}"""));
        assertEquals(400, privileged.statusCode());
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"Only confidential clients without the password grant may hold admin or revocations:read\"}",
                privileged.bodyAsString());
    }

    @Test
    void createClientWhenAudienceIsAnArrayThenTokensCarryBothAudiencesAsAnArray() throws Exception {
        JsonArray audiences = new JsonArray().add("resource-demo").add("billing-api");
        var created = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"multi","grant_types":["client_credentials"],"scopes":["notes:read"],"audience":["resource-demo","billing-api"]}"""));
        assertEquals(201, created.statusCode());
        assertEquals(audiences, created.bodyAsJsonObject().getJsonArray("audience"));
        var issued = stack.auth()
                .postForm(
                        "/oauth2/token",
                        "multi",
                        created.bodyAsJsonObject().getString("client_secret"),
                        "grant_type=client_credentials");
        assertEquals(200, issued.statusCode());
        String token = issued.bodyAsJsonObject().getString("access_token");

        JWTClaimsSet claims = AccessTokens.verify(token, stack.jwksUrl(), "billing-api");
        assertEquals(List.of("resource-demo", "billing-api"), claims.getAudience());
        assertEquals(audiences, AccessTokens.claims(token).getJsonArray("aud"));
    }

    @Test
    void createClientWhenAudienceArrayEmptyOrWithANonStringThenInvalidRequest() {
        for (String audience : List.of("[]", "[\"resource-demo\", 7]")) {
            var refused = post("/admin/clients", adminToken(), new JsonObject("""
                    {"client_id":"odd-audience","grant_types":["client_credentials"],"scopes":[],"audience":%s}""".formatted(audience)));
            assertEquals(400, refused.statusCode(), audience);
            assertEquals(
                    "{\"error\":\"invalid_request\",\"error_description\":"
                            + "\"audience must be a string or a non-empty array of distinct strings\"}",
                    refused.bodyAsString(),
                    audience);
        }
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM clients WHERE client_id = 'odd-audience'"));
    }

    @Test
    void createClientWhenBrowserFieldsGivenThenEveryFieldStoredAndEchoed() {
        var created = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"notes-web","grant_types":["authorization_code","refresh_token"],
                 "scopes":["openid","profile","email","notes:read"],"audience":"resource-demo",
                 "redirect_uris":["https://notes.example/callback","http://127.0.0.1:7777/cb"],
                 "post_logout_redirect_uris":["https://notes.example/"],
                 "backchannel_logout_uri":"https://notes.example/backchannel-logout",
                 "allowed_cors_origins":["https://notes.example","http://localhost:3000"],
                 "first_party":true,"client_name":"Notes <web> & «friends»",
                 "access_token_signing_alg":"ES256","dpop_bound_access_tokens":true,
                 "token_endpoint_ip_allowlist":["127.0.0.0/8","2001:db8::/32"]}"""));
        assertEquals(201, created.statusCode(), created.bodyAsString());
        assertEquals("no-store", created.getHeader("Cache-Control"));
        JsonObject body = created.bodyAsJsonObject();
        String secret = body.getString("client_secret");
        assertTrue(secret.length() >= 43);
        assertEquals(new JsonObject("""
                        {"client_id":"notes-web","client_secret":"%s","token_endpoint_auth_method":"client_secret_basic",
                         "grant_types":["authorization_code","refresh_token"],
                         "scopes":["openid","profile","email","notes:read"],"audience":"resource-demo",
                         "client_name":"Notes <web> & «friends»",
                         "redirect_uris":["https://notes.example/callback","http://127.0.0.1:7777/cb"],
                         "post_logout_redirect_uris":["https://notes.example/"],
                         "backchannel_logout_uri":"https://notes.example/backchannel-logout",
                         "allowed_cors_origins":["https://notes.example","http://localhost:3000"],
                         "first_party":true,"access_token_signing_alg":"ES256","dpop_bound_access_tokens":true,
                         "token_endpoint_ip_allowlist":["127.0.0.0/8","2001:db8::/32"]}""".formatted(secret)), body);

        Client stored =
                Await.result(new PgClientRepository(pool).find("notes-web")).orElseThrow();
        assertEquals("notes-web", stored.clientId());
        assertArrayEquals(ClientSecrets.sha256(secret), stored.secretHash());
        assertEquals(List.of("authorization_code", "refresh_token"), stored.grantTypes());
        assertEquals(List.of("openid", "profile", "email", "notes:read"), stored.scopes());
        assertEquals("resource-demo", stored.audience());
        assertFalse(stored.disabled());
        assertEquals(
                new ClientMetadata(
                        List.of("https://notes.example/callback", "http://127.0.0.1:7777/cb"),
                        List.of("https://notes.example/"),
                        Optional.of("https://notes.example/backchannel-logout"),
                        List.of("https://notes.example", "http://localhost:3000"),
                        true,
                        Optional.of("Notes <web> & «friends»"),
                        "ES256",
                        true,
                        List.of("127.0.0.0/8", "2001:db8::/32")),
                stored.metadata());
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'admin_client_created'"
                                + " AND client_id = 'admin-cli' AND detail ->> 'target_client_id' = 'notes-web'"));

        // Listing authorization_code grants nothing else: the password grant stays with clients that list it.
        var password = stack.auth()
                .postForm(
                        "/oauth2/token",
                        "notes-web",
                        secret,
                        "grant_type=password&username=alice&password=alice-password-1");
        assertEquals(400, password.statusCode());
        assertEquals(
                "{\"error\":\"unauthorized_client\",\"error_description\":"
                        + "\"The client is not allowed to use this grant type\"}",
                password.bodyAsString());
    }

    @Test
    void createClientWhenPublicBrowserClientWithoutOptionalFieldsThenDefaultsStoredAndEchoed() {
        var created = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"notes-spa","token_endpoint_auth_method":"none",
                 "grant_types":["authorization_code","refresh_token"],"scopes":["notes:read"],
                 "audience":["resource-demo"],"redirect_uris":["http://localhost:5173/callback"]}"""));
        assertEquals(201, created.statusCode(), created.bodyAsString());
        assertEquals(new JsonObject("""
                        {"client_id":"notes-spa","token_endpoint_auth_method":"none",
                         "grant_types":["authorization_code","refresh_token"],"scopes":["notes:read"],
                         "audience":["resource-demo"],"redirect_uris":["http://localhost:5173/callback"],
                         "post_logout_redirect_uris":[],"allowed_cors_origins":[],"first_party":false,
                         "access_token_signing_alg":"RS256","dpop_bound_access_tokens":false,
                         "token_endpoint_ip_allowlist":[]}"""), created.bodyAsJsonObject());

        Client stored =
                Await.result(new PgClientRepository(pool).find("notes-spa")).orElseThrow();
        assertTrue(stored.isPublic());
        assertEquals(List.of("authorization_code", "refresh_token"), stored.grantTypes());
        assertEquals(new JsonArray().add("resource-demo"), stored.audience());
        assertEquals(
                new ClientMetadata(
                        List.of("http://localhost:5173/callback"),
                        List.of(),
                        Optional.empty(),
                        List.of(),
                        false,
                        Optional.empty(),
                        "RS256",
                        false),
                stored.metadata());
        assertEquals("notes-spa", stored.displayName());
    }

    @Test
    void createClientWhenAuthorizationCodeWithoutRedirectUrisThenInvalidRequestAndNothingStored() {
        long auditRows = Sql.count(pool, "SELECT count(*) FROM audit_events");
        for (String redirects : List.of("", ",\"redirect_uris\":[]", ",\"redirect_uris\":null")) {
            var refused = post("/admin/clients", adminToken(), new JsonObject("""
                    {"client_id":"no-redirect","grant_types":["authorization_code"],"scopes":["notes:read"],
                     "audience":"resource-demo"%s}""".formatted(redirects)));
            assertEquals(400, refused.statusCode(), redirects);
            assertEquals(
                    "{\"error\":\"invalid_request\",\"error_description\":"
                            + "\"grant_types authorization_code needs at least one redirect_uris entry\"}",
                    refused.bodyAsString(),
                    redirects);
        }
        var hostile = post("/admin/clients", adminToken(), new JsonObject("""
                {"client_id":"no-redirect","grant_types":["authorization_code"],"scopes":["notes:read"],
                 "audience":"resource-demo","redirect_uris":["javascript:alert(1)"]}"""));
        assertEquals(400, hostile.statusCode());
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":"
                        + "\"redirect_uris[0] must be an absolute URI with a host\"}",
                hostile.bodyAsString());
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM clients WHERE client_id = 'no-redirect'"));
        assertTrue(
                Await.result(new PgClientRepository(pool).find("no-redirect")).isEmpty());
        assertEquals(auditRows, Sql.count(pool, "SELECT count(*) FROM audit_events"));
    }

    static JsonObject introspect(String id, String secret, String token) {
        var response = stack.auth().postForm("/oauth2/introspect", id, secret, "token=" + token);
        assertEquals(200, response.statusCode());
        return response.bodyAsJsonObject();
    }

    @Test
    void adminCliWhenSecretConfiguredThenBootstrappedWithIssuerAudience() throws Exception {
        JWTClaimsSet claims = AccessTokens.verify(adminToken(), stack.jwksUrl(), TestAuthServer.ISSUER);
        assertEquals("admin-cli", claims.getSubject());
        assertEquals("admin", claims.getStringClaim("scope"));
    }
}
