package io.latchkey.keys.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile bytes (NUL, invalid UTF-8, 10 KB, dot segments, encoded slashes) in every key-service path, public and
 * internal: as the {@code kid} of {@code /internal/keys/{kid}/revoke}, and appended to or replacing the last segment
 * of every other route. Always a 4xx, never a 5xx, and no key is revoked.
 */
class HostilePathTest {
    static final List<String> HOSTILE =
            List.of("%00", "a%00b", "%C3%28", "%FF", "x".repeat(10_240), "..", "a%2Fb", "%2E%2E%2Frotate", "%2e%2e");
    static final List<String> PUBLIC = List.of("GET /.well-known/jwks.json", "GET /health/ready");
    static final List<String> INTERNAL = List.of(
            "POST /internal/sign",
            "POST /internal/sign/batch",
            "POST /internal/keys/rotate",
            "GET /internal/keys",
            "GET /metrics",
            "GET /health/live");
    static final Set<Integer> CLIENT_ERRORS = Set.of(400, 401, 404, 405, 414);

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static KeyServiceConfig config;
    static KeyServiceVerticle service;
    static WebClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        config = TestKeyService.on(db.url()).build();
        service = new KeyServiceVerticle(config);
        Await.result(vertx.deployVerticle(service));
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void everyRouteWhenPathIsHostileThenClientErrorNeverServerErrorAndNoKeyRevoked() {
        KeyServiceClient keys = new KeyServiceClient(client, service, config);
        String keysBefore = keys.keys().encode();
        for (String value : HOSTILE) {
            check(service.internalPort(), "POST", "/internal/keys/" + value + "/revoke");
            for (String route : PUBLIC) {
                checkBoth(service.publicPort(), route, value);
            }
            for (String route : INTERNAL) {
                if (route.endsWith("/rotate")) {
                    // Replacing "rotate" would reach a real route with the hostile value as its kid: covered above.
                    check(service.internalPort(), "POST", "/internal/keys/rotate/" + value);
                    continue;
                }
                checkBoth(service.internalPort(), route, value);
            }
        }
        assertEquals(keysBefore, keys.keys().encode(), "no key changed");
    }

    private static void checkBoth(int port, String route, String value) {
        String method = route.substring(0, route.indexOf(' '));
        String path = route.substring(method.length() + 1);
        check(port, method, path + "/" + value);
        check(port, method, path.substring(0, path.lastIndexOf('/') + 1) + value);
    }

    private static void check(int port, String method, String path) {
        HttpResponse<Buffer> response = Await.result(client.request(HttpMethod.valueOf(method), port, "127.0.0.1", path)
                .putHeader("Authorization", "Bearer " + config.internalSecret())
                .send());
        assertTrue(
                CLIENT_ERRORS.contains(response.statusCode()),
                method + " " + path.substring(0, Math.min(80, path.length())) + " -> " + response.statusCode() + " "
                        + response.bodyAsString());
    }
}
