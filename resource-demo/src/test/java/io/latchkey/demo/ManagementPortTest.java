package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * resource-demo's management listener: {@code /metrics} (with the verifier's counters) there and 404 on the public
 * port; readiness on both, the same check.
 */
@ExtendWith(VertxExtension.class)
class ManagementPortTest {
    private static ResourceDemoVerticle demo;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        FakeUpstream upstream = new FakeUpstream(100, 300, TestKeys.rsa2048());
        Await.result(vertx.deployVerticle(upstream));
        demo = new ResourceDemoVerticle(ResourceDemoApiTest.config(upstream));
        Await.result(vertx.deployVerticle(demo));
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @Test
    void metricsWhenAskedOnThePublicPortThen404AndOnTheManagementPortThen200WithVerifierCounters() {
        assertEquals(404, get(demo.port(), "/metrics").statusCode());

        HttpResponse<Buffer> metrics = get(demo.managementPort(), "/metrics");
        assertEquals(200, metrics.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", metrics.getHeader("Content-Type"));
        assertTrue(metrics.bodyAsString().contains("latchkey_verifier_ready "), metrics.bodyAsString());
    }

    @Test
    void readinessWhenVerifierReadyThen200OnBothListeners() {
        for (int port : new int[] {demo.port(), demo.managementPort()}) {
            Await.untilEquals("ready on " + port, Duration.ofSeconds(10), 200, () -> get(port, "/health/ready")
                    .statusCode());
            assertEquals("UP", get(port, "/health/ready").bodyAsJsonObject().getString("status"));
            assertEquals(200, get(port, "/health/live").statusCode());
        }
        assertEquals(404, get(demo.managementPort(), "/api/me").statusCode());
    }

    private static HttpResponse<Buffer> get(int port, String path) {
        return Await.result(client.get(port, "127.0.0.1", path).send());
    }
}
