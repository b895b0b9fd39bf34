package io.latchkey.keys.ops;

import static io.latchkey.keys.test.TestKeyService.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.PrometheusText;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceMain;
import io.latchkey.keys.test.Await;
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
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
    private Process process;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        await(vertx.close());
    }

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermWhenSigningRequestInFlightThenItCompletesWith200AndNewConnectionsAreRefused() throws Exception {
        int publicPort = freePort();
        int internalPort = freePort();
        Path log = dir.resolve("key-service.log");
        process = start(publicPort, internalPort, log);
        WebClient client = WebClient.create(vertx);
        NetClient net = vertx.createNetClient();
        Await.until(Duration.ofSeconds(60), "key-service ready", () -> readyStatus(client, internalPort) == 200);
        byte[] body = new JsonObject()
                .put("typ", "at+jwt")
                .put("claims", TestTokens.valid().request().getJsonObject("claims"))
                .toBuffer()
                .getBytes();
        int half = body.length / 2;
        Buffer answer = Buffer.buffer();
        NetSocket socket = await(net.connect(internalPort, "127.0.0.1"));
        socket.handler(answer::appendBuffer);
        await(socket.write(Buffer.buffer("POST /internal/sign HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        + "Authorization: Bearer " + SECRET + "\r\nContent-Type: application/json\r\n"
                        + "X-Request-Id: in-flight-1\r\nContent-Length: " + body.length + "\r\n\r\n")
                .appendBytes(body, 0, half)));
        // The scrape is one active request; a second one is the signing request, waiting for its body.
        Await.until(
                Duration.ofSeconds(10), "signing request in flight", () -> activeRequests(client, internalPort) >= 2);

        process.destroy(); // SIGTERM

        Await.until(
                Duration.ofSeconds(5),
                "new connections refused",
                () -> refused(net, internalPort) && refused(net, publicPort));
        await(socket.write(Buffer.buffer().appendBytes(body, half, body.length - half)));
        Await.until(Duration.ofSeconds(10), "answer complete", () -> answer.toString()
                .contains("\"token\""));
        String response = answer.toString(StandardCharsets.UTF_8);
        assertTrue(response.startsWith("HTTP/1.1 200 OK"), response);
        assertTrue(response.toLowerCase().contains("x-request-id: in-flight-1"), response);
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process exits after its shutdown");
        List<String> lines = Files.readAllLines(log);
        assertFalse(lines.isEmpty());
        List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
        assertTrue(events.stream().anyMatch(e -> "key-service stopping".equals(e.getString("formattedMessage"))));
        client.close();
        net.close();
    }

    private Process start(int publicPort, int internalPort, Path log) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire runs tests from a manifest-only jar; this property holds the real test class path.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // The test class path holds logback-test.xml; the process must use the service's own logback.xml.
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Dlogback.configurationFile=logback.xml",
                        "-cp",
                        classPath,
                        KeyServiceMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("LATCHKEY_DB_URL", db.url());
        env.put("LATCHKEY_DEV_MODE", "true");
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", Integer.toString(publicPort));
        env.put("LATCHKEY_INTERNAL_PORT", Integer.toString(internalPort));
        env.put("LATCHKEY_INTERNAL_EVENT_LOOPS", "1");
        env.put("LATCHKEY_ISSUER", TestKeyService.ISSUER);
        env.put("LATCHKEY_INTERNAL_SECRET", SECRET);
        env.put("LATCHKEY_KEK", TestKeyService.randomKek());
        env.put("LATCHKEY_LOG_FORMAT", "json");
        return builder.start();
    }

    private static double activeRequests(WebClient client, int port) {
        Future<HttpResponse<Buffer>> scrape =
                client.get(port, "127.0.0.1", "/metrics").send();
        Await.until(Duration.ofSeconds(5), "scrape answered", scrape::isComplete);
        return scrape.succeeded()
                ? PrometheusText.sum(
                        PrometheusText.parse(scrape.result().bodyAsString()), "vertx_http_server_active_requests")
                : -1;
    }

    private static int readyStatus(WebClient client, int port) {
        Future<HttpResponse<Buffer>> ready =
                client.get(port, "127.0.0.1", "/health/ready").send();
        Await.until(Duration.ofSeconds(5), "readiness answered or refused", ready::isComplete);
        return ready.succeeded() ? ready.result().statusCode() : -1;
    }

    private static boolean refused(NetClient probe, int port) {
        Future<Void> attempt = probe.connect(port, "127.0.0.1").compose(socket -> socket.close());
        Await.until(Duration.ofSeconds(5), "connection attempt settled", attempt::isComplete);
        return attempt.failed();
    }

    /** A port free a moment ago; the process must bind a fixed port it is told. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
