package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.config.Env;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * key-service and auth-server each with their management listener: {@code /metrics} answers 404 on every public
 * listener (auth-server's, key-service's public and internal ones) and 200 on each management listener, and
 * readiness answers the same on both, down while auth-server's start-up gate is shut, up once it opens.
 */
class ManagementPortTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static WebClient client;
    static KeyServiceVerticle keys;
    static AuthServerVerticle auth;
    static final Promise<Void> gate = Promise.promise();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        keys = new KeyServiceVerticle(
                KeyServiceConfig.from(new Env(TestStack.keyServiceEnv(db.url(), TestAuthServer.ISSUER))));
        Await.result(vertx.deployVerticle(keys));
        Map<String, String> env = TestAuthServer.env(db);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keys.internalPort());
        auth = new AuthServerVerticle(AuthServerConfig.from(new Env(env))).readyAfter(gate.future());
        Await.result(vertx.deployVerticle(auth));
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void metricsWhenAskedOnEveryPublicListenerThen404AndOnEachManagementListenerThen200() {
        for (int port : new int[] {auth.port(), keys.publicPort(), keys.internalPort()}) {
            assertEquals(404, get(port, "/metrics").statusCode(), "/metrics on public port " + port);
        }

        HttpResponse<Buffer> authMetrics = get(auth.managementPort(), "/metrics");
        assertEquals(200, authMetrics.statusCode());
        assertEquals(ServiceMetrics.CONTENT_TYPE, authMetrics.getHeader("Content-Type"));
        assertEquals("no-store", authMetrics.getHeader("Cache-Control"));
        assertTrue(authMetrics.bodyAsString().contains("\nlatchkey_argon2_in_flight "), authMetrics.bodyAsString());
        HttpResponse<Buffer> keyMetrics = get(keys.managementPort(), "/metrics");
        assertEquals(200, keyMetrics.statusCode());
        assertTrue(
                keyMetrics.bodyAsString().contains("\nlatchkey_key_service_native_signing "),
                keyMetrics.bodyAsString());
    }

    @Test
    void managementListenerWhenAskedForAnythingElseThen404AndItsOwnPort() {
        assertEquals(404, get(auth.managementPort(), "/oauth2/token").statusCode());
        assertEquals(404, get(keys.managementPort(), "/.well-known/jwks.json").statusCode());
        assertNotEquals(auth.port(), auth.managementPort());
        assertNotEquals(keys.publicPort(), keys.managementPort());
    }

    @Test
    void readinessWhenGateShutThen503OnBothListenersAndWhenItOpensThen200OnBoth() {
        for (int port : new int[] {keys.publicPort(), keys.internalPort(), keys.managementPort()}) {
            Await.untilEquals(
                    "key-service ready on " + port, Duration.ofSeconds(10), 200, () -> get(port, "/health/ready")
                            .statusCode());
        }
        if (!gate.future().isComplete()) {
            assertEquals(503, get(auth.port(), "/health/ready").statusCode());
            assertEquals(503, get(auth.managementPort(), "/health/ready").statusCode());
            assertEquals(200, get(auth.managementPort(), "/health/live").statusCode());
            gate.complete();
        }

        for (int port : new int[] {auth.port(), auth.managementPort()}) {
            Await.untilEquals(
                    "auth-server ready on " + port, Duration.ofSeconds(10), 200, () -> get(port, "/health/ready")
                            .statusCode());
        }
    }

    private static HttpResponse<Buffer> get(int port, String path) {
        return Await.result(client.get(port, "127.0.0.1", path).send());
    }
}
