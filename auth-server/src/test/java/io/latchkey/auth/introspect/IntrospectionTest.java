package io.latchkey.auth.introspect;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 7662 introspection, limited to tokens meant for or issued to the caller. */
class IntrospectionTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        pool = db.pool(vertx);
        TestClients.confidential("svc")
                .scopes("notes:read")
                .audience("resource-demo")
                .insert(pool);
        TestClients.revocationReader("resource-demo").insert(pool);
        TestClients.confidential("stranger")
                .scopes("notes:read")
                .audience("elsewhere")
                .insert(pool);
        TestClients.publicClient("app").insert(pool);
        TestUsers.insert(pool, "frank", "frank-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    static String accessToken() {
        return stack.auth()
                .token("svc", "grant_type=client_credentials")
                .bodyAsJsonObject()
                .getString("access_token");
    }

    static JsonObject introspect(String caller, String token) {
        var response =
                stack.auth().postForm("/oauth2/introspect", caller, TestClients.secretOf(caller), "token=" + token);
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        return response.bodyAsJsonObject();
    }

    @Test
    void introspectWhenCallerIsAudienceThenActiveWithClaims() {
        String token = accessToken();
        JsonObject body = introspect("resource-demo", token);
        assertEquals(true, body.getBoolean("active"));
        assertEquals("svc", body.getString("client_id"));
        assertEquals("svc", body.getString("sub"));
        assertEquals("notes:read", body.getString("scope"));
        assertEquals("resource-demo", body.getString("aud"));
        assertEquals("Bearer", body.getString("token_type"));
    }

    @Test
    void introspectWhenCallerIsIssuedClientThenActive() {
        assertEquals(true, introspect("svc", accessToken()).getBoolean("active"));
    }

    @Test
    void introspectWhenCallerNeitherAudienceNorIssuedClientThenInactive() {
        assertEquals(new JsonObject().put("active", false), introspect("stranger", accessToken()));
    }

    @Test
    void introspectWhenTokenGarbledOrTamperedThenInactive() {
        String token = accessToken();
        String tampered = token.substring(0, token.length() - 4) + (token.endsWith("AAAA") ? "BBBB" : "AAAA");
        assertEquals(new JsonObject().put("active", false), introspect("svc", "garbage"));
        assertEquals(new JsonObject().put("active", false), introspect("svc", tampered));
    }

    @Test
    void introspectWhenSessionEndedByReuseThenInactive() {
        JsonObject login = stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=password&client_id=app&username=frank&password=frank-password-1")
                .bodyAsJsonObject();
        assertEquals(
                true,
                introspect("resource-demo", login.getString("access_token")).getBoolean("active"));
        String refresh = "grant_type=refresh_token&client_id=app&refresh_token=" + login.getString("refresh_token");
        assertEquals(
                200, stack.auth().postForm("/oauth2/token", null, null, refresh).statusCode());
        assertEquals(
                400, stack.auth().postForm("/oauth2/token", null, null, refresh).statusCode());
        assertEquals(
                new JsonObject().put("active", false), introspect("resource-demo", login.getString("access_token")));
    }

    @Test
    void introspectWhenPublicClientCallsThenInvalidClient() {
        var response = stack.auth().postForm("/oauth2/introspect", null, null, "client_id=app&token=x");
        assertEquals(401, response.statusCode());
        assertEquals(
                "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}",
                response.bodyAsString());
    }

    @Test
    void introspectWhenTokenMissingThenInvalidRequest() {
        var response = stack.auth().postForm("/oauth2/introspect", "svc", TestClients.secretOf("svc"), "");
        assertEquals(400, response.statusCode());
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The parameter token is required\"}",
                response.bodyAsString());
    }
}
