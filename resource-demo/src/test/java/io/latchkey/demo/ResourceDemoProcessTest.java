package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
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

    private ServiceProcess process;

    @AfterEach
    void kill() {
        if (process != null) {
            process.close();
        }
    }

    @Test
    void sigtermWhenRequestInFlightThenItCompletesWith200AndNewConnectionsAreRefused(Vertx vertx) throws Exception {
        FakeUpstream upstream = new FakeUpstream(100, 300, KEY);
        Await.result(vertx.deployVerticle(upstream));
        int port = ServiceProcess.freePort();
        process = start(upstream, port);
        WebClient client = WebClient.create(vertx);
        // Readiness goes through the client that later sends the in-flight request: its connection, opened as soon
        // as the port is bound and kept alive, is served by the listener that bound it. A request draining on another
        // of the listeners sharing the port can keep the port accepting until it ends, so the request must not move
        // to a fresh connection.
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

        process.terminate();

        Await.until("new connections refused", Duration.ofSeconds(5), () -> ServiceProcess.refused(port));
        assertFalse(inFlight.isComplete(), "the request is still in flight");
        HttpResponse<Buffer> response = Await.result(inFlight);
        assertEquals(200, response.statusCode());
        assertEquals("in-flight-1", response.getHeader("X-Request-Id"));
        assertTrue(process.waitFor(Duration.ofSeconds(20)), "the process exits after its shutdown");
        List<String> lines = process.logLines();
        assertFalse(lines.isEmpty());
        List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
        assertTrue(events.stream().anyMatch(e -> "resource-demo stopping".equals(e.getString("formattedMessage"))));
        client.close();
    }

    private static int readyStatus(WebClient client, int port) {
        Future<HttpResponse<Buffer>> ready =
                client.get(port, "127.0.0.1", "/health/ready").send();
        Await.until("readiness answered or refused", Duration.ofSeconds(5), ready::isComplete);
        return ready.succeeded() ? ready.result().statusCode() : -1;
    }

    /** The service's own logback.xml, not the test class path's logback-test.xml: its log format is under test. */
    private ServiceProcess start(FakeUpstream upstream, int port) {
        return ServiceProcess.main("resource-demo", ResourceDemoMain.class.getName())
                .jvmOptions(List.of()) // the JVM's defaults, as the service runs in production
                .serviceLogging()
                .env(Map.of(
                        "LATCHKEY_HOST",
                        "127.0.0.1",
                        "LATCHKEY_PORT",
                        Integer.toString(port),
                        "LATCHKEY_ISSUER",
                        upstream.issuer(),
                        "LATCHKEY_FEED_CLIENT_ID",
                        FakeUpstream.FEED_CLIENT_ID,
                        "LATCHKEY_FEED_CLIENT_SECRET",
                        FakeUpstream.FEED_CLIENT_SECRET,
                        "LATCHKEY_JWKS_REFETCH_INTERVAL",
                        "100ms",
                        "LATCHKEY_LOG_FORMAT",
                        "json"))
                .directory(dir)
                .start();
    }
}
