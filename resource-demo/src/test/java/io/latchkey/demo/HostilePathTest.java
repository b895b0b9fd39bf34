package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Hostile bytes (NUL, invalid UTF-8, 10 KB, dot segments, encoded slashes) appended to or replacing the last
 * segment of every resource-demo route, API and browser alike: always a 4xx, never a 5xx.
 */
class HostilePathTest {
    static final List<String> HOSTILE =
            List.of("%00", "a%00b", "%C3%28", "%FF", "x".repeat(10_240), "..", "a%2Fb", "%2E%2E%2Fnotes", "%2e%2e");
    static final List<String> ROUTES = List.of(
            "GET /api/me",
            "GET /api/notes",
            "POST /api/notes",
            "GET /login",
            "GET /callback",
            "POST /notes",
            "POST /logout",
            "POST /backchannel-logout",
            "GET /health/ready");
    static final Set<Integer> CLIENT_ERRORS = Set.of(400, 401, 403, 404, 405, 414);

    static Vertx vertx;
    static ResourceDemoVerticle demo;
    static WebClient client;
    static String token;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        TestKeys key = TestKeys.rsa2048();
        FakeUpstream upstream = new FakeUpstream(100, 300, key);
        Await.result(vertx.deployVerticle(upstream));
        demo = new ResourceDemoVerticle(ResourceDemoApiTest.config(upstream));
        Await.result(vertx.deployVerticle(demo));
        client = WebClient.create(vertx);
        token = TestTokens.valid(key, upstream.issuer()).sign();
        Await.untilEquals("ready", Duration.ofSeconds(10), 200, () -> Await.result(
                        client.get(demo.port(), "127.0.0.1", "/health/ready").send())
                .statusCode());
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void everyRouteWhenPathIsHostileThenClientErrorNeverServerError() {
        for (String value : HOSTILE) {
            for (String route : ROUTES) {
                String method = route.substring(0, route.indexOf(' '));
                String path = route.substring(method.length() + 1);
                check(method, path + "/" + value);
                check(method, path.substring(0, path.lastIndexOf('/') + 1) + value);
            }
        }
    }

    private static void check(String method, String path) {
        HttpResponse<Buffer> response =
                Await.result(client.request(HttpMethod.valueOf(method), demo.port(), "127.0.0.1", path)
                        .putHeader("Authorization", "Bearer " + token)
                        .send());
        assertTrue(
                CLIENT_ERRORS.contains(response.statusCode()),
                method + " " + path.substring(0, Math.min(80, path.length())) + " -> " + response.statusCode());
    }
}
