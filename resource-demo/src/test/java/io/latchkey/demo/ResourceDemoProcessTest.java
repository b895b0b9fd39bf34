package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.verifier.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * resource-demo as a real process started by its {@code main}: SIGTERM stops it accepting while a request in flight
 * still completes with 200, and with {@code LATCHKEY_LOG_FORMAT=json} every line it writes is one JSON object.
 */
@ExtendWith(VertxExtension.class)
class ResourceDemoProcessTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final TestKeys NEXT_KEY = TestKeys.rsa2048();

    @TempDir
    Path dir;

    private Process process;

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermWhenRequestInFlightThenItCompletesWith200AndNewConnectionsAreRefused(Vertx vertx) throws Exception {
        FakeUpstream upstream = new FakeUpstream(100, 300, KEY);
        Await.result(vertx.deployVerticle(upstream));
        int port = freePort();
        Path log = dir.resolve("resource-demo.log");
        process = start(upstream, port, log);
        WebClient client = WebClient.create(vertx);
        NetClient probe = vertx.createNetClient();
        Await.untilEquals("resource-demo ready", Duration.ofSeconds(30), 200, () -> readyStatus(client, port));
        // A token on a key the process has not seen yet waits for a JWKS refetch the upstream holds back.
        upstream.publish(NEXT_KEY);
        upstream.jwksDelay(2_000);
        Await.until(
                "a refetch is allowed",
                Duration.ofSeconds(5),
                () -> upstream.sinceLastJwksFetch().toMillis() > 200);
        int fetches = upstream.jwksFetches();
        Future<HttpResponse<Buffer>> inFlight = client.get(port, "127.0.0.1", "/api/me")
                .putHeader(
                        "Authorization",
                        "Bearer "
                                + TestTokens.valid(NEXT_KEY, upstream.issuer()).sign())
                .putHeader("X-Request-Id", "in-flight-1")
                .send();
        Await.until("JWKS refetch in flight", Duration.ofSeconds(10), () -> upstream.jwksFetches() > fetches);

        process.destroy(); // SIGTERM

        Await.until("new connections refused", Duration.ofSeconds(5), () -> refused(probe, port));
        assertFalse(inFlight.isComplete(), "the request is still in flight");
        HttpResponse<Buffer> response = Await.result(inFlight);
        assertEquals(200, response.statusCode());
        assertEquals("in-flight-1", response.getHeader("X-Request-Id"));
        assertTrue(process.waitFor(20, TimeUnit.SECONDS), "the process exits after its shutdown");
        List<String> lines = Files.readAllLines(log);
        assertFalse(lines.isEmpty());
        List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
        assertTrue(events.stream().anyMatch(e -> "resource-demo stopping".equals(e.getString("formattedMessage"))));
        client.close();
        probe.close();
    }

    private Process start(FakeUpstream upstream, int port, Path log) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire runs tests from a manifest-only jar; this property holds the real test class path.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // The test class path holds logback-test.xml; the process must use the service's own logback.xml.
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Dlogback.configurationFile=logback.xml",
                        "-cp",
                        classPath,
                        ResourceDemoMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", Integer.toString(port));
        env.put("LATCHKEY_ISSUER", upstream.issuer());
        env.put("LATCHKEY_FEED_CLIENT_ID", FakeUpstream.FEED_CLIENT_ID);
        env.put("LATCHKEY_FEED_CLIENT_SECRET", FakeUpstream.FEED_CLIENT_SECRET);
        env.put("LATCHKEY_JWKS_REFETCH_INTERVAL", "100ms");
        env.put("LATCHKEY_LOG_FORMAT", "json");
        return builder.start();
    }

    private static int readyStatus(WebClient client, int port) {
        Future<HttpResponse<Buffer>> ready =
                client.get(port, "127.0.0.1", "/health/ready").send();
        Await.until("readiness answered or refused", Duration.ofSeconds(5), ready::isComplete);
        return ready.succeeded() ? ready.result().statusCode() : -1;
    }

    private static boolean refused(NetClient probe, int port) {
        Future<Void> attempt = probe.connect(port, "127.0.0.1").compose(socket -> socket.close());
        Await.until("connection attempt settled", Duration.ofSeconds(5), attempt::isComplete);
        return attempt.failed();
    }

    /** A port free a moment ago; the process must bind a fixed port it is told. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
