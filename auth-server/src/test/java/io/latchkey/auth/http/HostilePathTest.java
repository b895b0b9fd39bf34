package io.latchkey.auth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.LogCapture;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile bytes in the path of every auth-server route (NUL, invalid UTF-8, 10 KB, dot segments, encoded slashes),
 * as a path parameter where the route has one and as an extra or replaced segment where it has none: always a 4xx
 * (404 {@code not_found}, 400, 401 or 405 from the route's own checks, 414 past the request line's limit), never a
 * 5xx; nothing reaches PostgreSQL (no ERROR is logged, no audit row written).
 */
class HostilePathTest {
    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";
    static final List<String> HOSTILE = List.of(
            "%00", "a%00b", "%C3%28", "%FF", "x".repeat(10_240), "..", "a%2Fb", "%2E%2E%2Fsvc", "%2e%2e", "svc%00");
    /** Routes with a parameter: {@code %s} stands for it. */
    static final List<String> TEMPLATES = List.of(
            "POST /admin/clients/%s/disable",
            "POST /admin/clients/%s/secret",
            "POST /admin/users/%s/disable",
            "POST /admin/users/%s/password",
            "GET /login/%s",
            "POST /login/%s",
            "GET /consent/%s",
            "POST /consent/%s");
    /** Routes without one: the hostile value is appended as a segment, and replaces the last segment. */
    static final List<String> FIXED = List.of(
            "POST /oauth2/token",
            "POST /oauth2/introspect",
            "POST /oauth2/revoke",
            "POST /logout",
            "GET /revocations",
            "GET /revocations/stream",
            "POST /admin/users",
            "POST /admin/clients",
            "GET /oauth2/authorize",
            "GET /oauth2/end-session",
            "GET /oauth2/userinfo",
            "GET /.well-known/openid-configuration",
            "GET /.well-known/oauth-authorization-server",
            "GET /health/ready",
            "GET /assets/latchkey.css");

    static final Set<Integer> CLIENT_ERRORS = Set.of(400, 401, 403, 404, 405, 414);

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static String adminToken;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        HttpResponse<Buffer> token =
                stack.auth().postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        assertEquals(200, token.statusCode(), token.bodyAsString());
        adminToken = token.bodyAsJsonObject().getString("access_token");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void everyRouteWhenPathIsHostileThenClientErrorNeverServerErrorAndNothingReachesTheDatabase() {
        long auditRows = Sql.count(pool, "SELECT count(*) FROM audit_events");
        int requests = 0;
        try (LogCapture logs = new LogCapture()) {
            for (String value : HOSTILE) {
                for (String template : TEMPLATES) {
                    check(template.formatted(value));
                    requests++;
                }
                for (String route : FIXED) {
                    check(route + "/" + value);
                    check(route.substring(0, route.lastIndexOf('/') + 1) + value);
                    requests += 2;
                }
            }
            assertTrue(
                    logs.lines().stream().noneMatch(l -> l.contains("answered 5") || l.contains("unexpected")),
                    "no server-side failure logged: " + logs.lines());
            assertTrue(
                    logs.lines().stream().noneMatch(l -> l.contains("invalid byte sequence")),
                    "no hostile byte reached PostgreSQL");
        }
        assertEquals(auditRows, Sql.count(pool, "SELECT count(*) FROM audit_events"), "nothing changed");
        assertTrue(requests > 200);
    }

    private static void check(String methodAndPath) {
        String method = methodAndPath.substring(0, methodAndPath.indexOf(' '));
        String path = methodAndPath.substring(method.length() + 1);
        HttpRequest<Buffer> request = stack.auth().client().request(HttpMethod.valueOf(method), path);
        if (path.startsWith("/admin")) {
            request.putHeader("Authorization", "Bearer " + adminToken).putHeader("Content-Type", "application/json");
        }
        HttpResponse<Buffer> response =
                Await.result(request.sendBuffer(Buffer.buffer("{\"password\":\"long-enough-pw-1\"}")));
        String what = method + " " + path.substring(0, Math.min(path.length(), 80)) + " -> " + response.statusCode();
        assertTrue(CLIENT_ERRORS.contains(response.statusCode()), what + " " + response.bodyAsString());
        String type = response.getHeader("Content-Type");
        boolean page = path.startsWith("/login") || path.startsWith("/consent") || path.startsWith("/oauth2/authorize");
        if (response.statusCode() != 414 && !page && type != null && type.startsWith("application/json")) {
            assertTrue(response.bodyAsJsonObject().containsKey("error"), what);
        }
        if (response.statusCode() == 400 && !page && path.matches(".*/admin/(users|clients)/.*")) {
            assertTrue(
                    response.bodyAsString().contains("id")
                            || response.bodyAsString().contains("path"),
                    what);
        }
    }
}
