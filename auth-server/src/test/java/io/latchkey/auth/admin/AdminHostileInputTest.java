package io.latchkey.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile bytes in the admin API's path parameters (NUL, invalid UTF-8, 10 KB, dot segments, encoded slashes) get a
 * 4xx with an RFC-style body and change nothing; none reaches PostgreSQL, where a NUL byte fails the statement.
 */
class AdminHostileInputTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";
    static final List<String> HOSTILE =
            List.of("%00", "a%00b", "%C3%28", "x".repeat(10_240), "..", "a%2Fb", "%2E%2E%2Fsvc", "svc%00");
    static final List<String> ROUTES = List.of(
            "/admin/clients/%s/disable",
            "/admin/clients/%s/secret", "/admin/users/%s/disable", "/admin/users/%s/password");

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void adminWhenPathParameterIsHostileThenClientErrorWithBodyAndNothingChanges() {
        String token = adminToken();
        long auditRows = Sql.count(pool, "SELECT count(*) FROM audit_events");
        for (String route : ROUTES) {
            for (String value : HOSTILE) {
                String path = route.formatted(value);
                HttpResponse<Buffer> response = Await.result(stack.auth()
                        .client()
                        .request(HttpMethod.POST, path)
                        .putHeader("Authorization", "Bearer " + token)
                        .putHeader("Content-Type", "application/json")
                        .sendBuffer(new JsonObject()
                                .put("password", "a-long-enough-password")
                                .toBuffer()));
                String what = "POST " + path.substring(0, Math.min(path.length(), 60));
                if (path.length() > 4096) {
                    // Past the HTTP codec's 4 KiB request line: refused before routing, as RFC 9110 §15.5.15 says.
                    assertEquals(414, response.statusCode(), what);
                    continue;
                }
                assertTrue(
                        response.statusCode() == 404 || response.statusCode() == 400,
                        what + " answered " + response.statusCode() + " " + response.bodyAsString());
                JsonObject body = response.bodyAsJsonObject();
                assertTrue(body.containsKey("error") && body.containsKey("error_description"), what + ": " + body);
            }
        }
        assertEquals(auditRows, Sql.count(pool, "SELECT count(*) FROM audit_events"));
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM clients WHERE disabled"));
    }

    @Test
    void adminWhenBodyRepeatsAMemberOrHoldsALoneSurrogateThenInvalidRequestAndNoUser() {
        String token = adminToken();
        Map<String, String> refusals = Map.of(
                "{\"username\":\"dup-a\",\"password\":\"long-enough-pw-1\",\"username\":\"dup-b\"}",
                "The body repeats the member username",
                "{\"username\":\"sur\\ud800x\",\"password\":\"long-enough-pw-1\"}",
                "The member username is not valid Unicode");
        refusals.forEach((body, description) -> {
            HttpResponse<Buffer> response = Await.result(stack.auth()
                    .client()
                    .request(HttpMethod.POST, "/admin/users")
                    .putHeader("Authorization", "Bearer " + token)
                    .putHeader("Content-Type", "application/json")
                    .sendBuffer(Buffer.buffer(body)));
            assertEquals(400, response.statusCode(), body);
            assertEquals(
                    new JsonObject().put("error", "invalid_request").put("error_description", description),
                    response.bodyAsJsonObject());
        });
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM users"));
    }

    private static String adminToken() {
        HttpResponse<Buffer> response =
                stack.auth().postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }
}
