package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * resource-demo's management listener: {@code /metrics} (with the verifier's counters) there and 404 on the public
 * port; readiness on both, the same check. Both listeners are bounded: a request stopped half-way is answered 408 at
 * the request timeout (1 s here), {@code HTTP/9.9} 505.
 */
@ExtendWith(VertxExtension.class)
class ManagementPortTest {
    private static ResourceDemoVerticle demo;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        FakeUpstream upstream = new FakeUpstream(100, 300, TestKeys.rsa2048());
        Await.result(vertx.deployVerticle(upstream));
        demo = new ResourceDemoVerticle(ResourceDemoConfig.from(new Env(Map.of(
                "LATCHKEY_HOST",
                "127.0.0.1",
                "LATCHKEY_PORT",
                "0",
                "LATCHKEY_ISSUER",
                upstream.issuer(),
                "LATCHKEY_FEED_CLIENT_ID",
                FakeUpstream.FEED_CLIENT_ID,
                "LATCHKEY_FEED_CLIENT_SECRET",
                FakeUpstream.FEED_CLIENT_SECRET,
                "LATCHKEY_HTTP_REQUEST_TIMEOUT",
                "1s"))));
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

    @Test
    void slowOrUnsupportedRequestWhenSentToEitherListenerThen408Or505() throws Exception {
        for (int port : new int[] {demo.port(), demo.managementPort()}) {
            assertTrue(exchange(port, "GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ")
                    .startsWith("HTTP/1.1 408 "));
            assertTrue(exchange(port, "GET /health/live HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n")
                    .startsWith("HTTP/1.1 505 "));
        }
    }

    /** Writes {@code request} and reads until the server closes the connection. */
    private static String exchange(int port, String request) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            try {
                int n;
                while ((n = socket.getInputStream().read(buffer)) != -1) {
                    all.write(buffer, 0, n);
                }
            } catch (SocketException reset) {
                // A reset after the answer: what arrived is the answer.
            }
            return all.toString(StandardCharsets.US_ASCII);
        }
    }

    private static HttpResponse<Buffer> get(int port, String path) {
        return Await.result(client.get(port, "127.0.0.1", path).send());
    }
}
