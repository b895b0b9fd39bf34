package io.latchkey.keys.ops;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceMain;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * key-service as a real process started by its {@code main}: a signing request whose body is still arriving at
 * SIGTERM completes with 200 while new connections are refused, and with {@code LATCHKEY_LOG_FORMAT=json} every
 * line the process writes is one JSON object.
 */
class KeyServiceProcessTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String SECRET = TestKeyService.randomSecret();

    @TempDir
    Path dir;

    static Vertx vertx;
    private ServiceProcess process;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @AfterEach
    void kill() {
        if (process != null) {
            process.close();
        }
    }

    @Test
    void sigtermWhenSigningRequestInFlightThenItCompletesWith200AndNewConnectionsAreRefused() throws Exception {
        int publicPort = ServiceProcess.freePort();
        int internalPort = ServiceProcess.freePort();
        int managementPort = ServiceProcess.freePort();
        process = start(publicPort, internalPort, managementPort);
        WebClient client = WebClient.create(vertx);
        NetClient net = vertx.createNetClient();
        process.awaitReady(internalPort, Duration.ofSeconds(60));
        byte[] body = new JsonObject()
                .put("typ", "at+jwt")
                .put("claims", TestTokens.valid().request().getJsonObject("claims"))
                .toBuffer()
                .getBytes();
        int half = body.length / 2;
        Buffer answer = Buffer.buffer();
        NetSocket socket = Await.result(net.connect(internalPort, "127.0.0.1"));
        socket.handler(answer::appendBuffer);
        Await.result(socket.write(Buffer.buffer("POST /internal/sign HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + SECRET + "\r\nContent-Type: application/json\r\n"
                        + "X-Request-Id: in-flight-1\r\nContent-Length: " + body.length + "\r\n\r\n")
                .appendBytes(body, 0, half)));
        // The scrape (on the management listener) is one active request; a second one is the signing request,
        // waiting for its body.
        Await.until(
                "signing request in flight", Duration.ofSeconds(10), () -> activeRequests(client, managementPort) >= 2);

        process.terminate();

        Await.until(
                "new connections refused",
                Duration.ofSeconds(5),
                () -> ServiceProcess.refused(internalPort) && ServiceProcess.refused(publicPort));
        Await.result(socket.write(Buffer.buffer().appendBytes(body, half, body.length - half)));
        Await.until("answer complete", Duration.ofSeconds(10), () -> answer.toString()
                .contains("\"token\""));
        String response = answer.toString(StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
        assertTrue(response.toLowerCase().contains("x-request-id: in-flight-1"), response);
        assertTrue(process.waitFor(Duration.ofSeconds(30)), "the process exits after its shutdown");
        List<String> lines = process.logLines();
        assertFalse(lines.isEmpty());
        List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
        assertTrue(events.stream().anyMatch(e -> "key-service stopping".equals(e.getString("formattedMessage"))));
        client.close();
        net.close();
    }

    /** key-service with the service's own logback.xml, so its JSON log format is the one under test. */
    private ServiceProcess start(int publicPort, int internalPort, int managementPort) {
        return ServiceProcess.main("key-service", KeyServiceMain.class.getName())
                .serviceLogging()
                // The signing request's body waits for the shutdown: the request timeout must not cut it first.
                .env("LATCHKEY_MANAGEMENT_PORT", Integer.toString(managementPort))
                .env("LATCHKEY_HTTP_REQUEST_TIMEOUT", "120")
                .env(Map.of(
                        "LATCHKEY_DB_URL",
                        db.url(),
                        "LATCHKEY_DEV_MODE",
                        "true",
                        "LATCHKEY_HOST",
                        "127.0.0.1",
                        "LATCHKEY_PORT",
                        Integer.toString(publicPort),
                        "LATCHKEY_INTERNAL_PORT",
                        Integer.toString(internalPort),
                        "LATCHKEY_INTERNAL_EVENT_LOOPS",
                        "1",
                        "LATCHKEY_ISSUER",
                        TestKeyService.ISSUER,
                        "LATCHKEY_INTERNAL_SECRET",
                        SECRET,
                        "LATCHKEY_KEK",
                        TestKeyService.randomKek(),
                        "LATCHKEY_LOG_FORMAT",
                        "json"))
                .directory(dir)
                .log(dir.resolve("key-service.log"))
                .start();
    }

    private static double activeRequests(WebClient client, int port) {
        Future<HttpResponse<Buffer>> scrape =
                client.get(port, "127.0.0.1", "/metrics").send();
        Await.until("scrape answered", Duration.ofSeconds(5), scrape::isComplete);
        return scrape.succeeded()
                ? PrometheusText.sum(
                        PrometheusText.parse(scrape.result().bodyAsString()), "vertx_http_server_active_requests")
                : -1;
    }
}
