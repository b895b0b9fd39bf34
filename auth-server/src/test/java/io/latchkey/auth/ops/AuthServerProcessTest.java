package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.AuthServerMain;
import io.latchkey.auth.test.Await;
import io.latchkey.auth.test.HeldRelay;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.config.Env;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * auth-server as a real process started by its {@code main}, signing through a real key-service reached over a
 * relay the test can hold: a token request in flight at SIGTERM completes with 200 and a signed token while new
 * connections are refused, and with {@code LATCHKEY_LOG_FORMAT=json} every line the process writes is one JSON
 * object.
 */
class AuthServerProcessTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    @TempDir
    Path dir;

    static Vertx vertx;
    static Pool pool;
    static KeyServiceVerticle keyService;
    private Process process;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        Map<String, String> keyEnv = new HashMap<>();
        keyEnv.put("LATCHKEY_DB_URL", db.url());
        keyEnv.put("LATCHKEY_DEV_MODE", "true");
        keyEnv.put("LATCHKEY_HOST", "127.0.0.1");
        keyEnv.put("LATCHKEY_PORT", "0");
        keyEnv.put("LATCHKEY_INTERNAL_PORT", "0");
        keyEnv.put("LATCHKEY_ISSUER", TestAuthServer.ISSUER);
        keyEnv.put("LATCHKEY_INTERNAL_SECRET", TestAuthServer.INTERNAL_SECRET);
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        keyEnv.put("LATCHKEY_KEK", Base64.getEncoder().encodeToString(kek));
        keyService = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        Await.result(vertx.deployVerticle(keyService));
        pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
    }

    @AfterAll
    static void stop() {
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @AfterEach
    void kill() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Test
    void sigtermWhenTokenRequestInFlightThenItCompletesWith200AndNewConnectionsAreRefused() throws Exception {
        HeldRelay relay = HeldRelay.start(vertx, keyService.internalPort());
        int port = freePort();
        Path log = dir.resolve("auth-server.log");
        process = start(port, relay.port(), log);
        WebClient client = WebClient.create(vertx);
        NetClient probe = vertx.createNetClient();
        Await.condition(Duration.ofSeconds(60), () -> readyStatus(client, port) == 200);
        relay.hold();
        long before = relay.received();
        Future<HttpResponse<Buffer>> inFlight = client.post(port, "127.0.0.1", "/oauth2/token")
                .putHeader("Authorization", TestAuthServer.basic("svc", TestClients.secretOf("svc")))
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .putHeader("X-Request-Id", "in-flight-1")
                .sendBuffer(Buffer.buffer("grant_type=client_credentials"));
        Await.condition(Duration.ofSeconds(10), () -> relay.received() > before); // waiting on its signature

        process.destroy(); // SIGTERM

        Await.condition(Duration.ofSeconds(5), () -> refused(probe, port));
        assertFalse(inFlight.isComplete(), "the request is still in flight");
        relay.release();
        HttpResponse<Buffer> response = Await.result(inFlight);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertNotNull(response.bodyAsJsonObject().getString("access_token"));
        assertEquals("in-flight-1", response.getHeader("X-Request-Id"));
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "the process exits after its shutdown");
        List<String> lines = Files.readAllLines(log);
        assertFalse(lines.isEmpty());
        List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
        assertTrue(events.stream().anyMatch(e -> "auth-server stopping".equals(e.getString("formattedMessage"))));
        assertTrue(
                events.stream().anyMatch(e -> "in-flight-1"
                        .equals(e.getJsonObject("mdc", new JsonObject()).getString("requestId"))),
                "the in-flight request's log lines carry its request id");
        client.close();
        probe.close();
        Await.result(relay.close());
    }

    private Process start(int port, int keyServicePort, Path log) throws IOException {
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        // Surefire runs tests from a manifest-only jar; this property holds the real test class path.
        String classPath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        // The test class path holds logback-test.xml; the process must use the service's own logback.xml.
        ProcessBuilder builder = new ProcessBuilder(
                        java,
                        "-Dlogback.configurationFile=logback.xml",
                        "-cp",
                        classPath,
                        AuthServerMain.class.getName())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.putAll(TestAuthServer.env(db));
        env.put("LATCHKEY_PORT", Integer.toString(port));
        env.put("LATCHKEY_EVENT_LOOPS", "1");
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keyServicePort);
        env.put("LATCHKEY_LOG_FORMAT", "json");
        return builder.start();
    }

    /** The readiness status, or -1 while the process refuses, or is too busy starting to answer within 5 s. */
    private static int readyStatus(WebClient client, int port) {
        try {
            return client.get(port, "127.0.0.1", "/health/ready")
                    .timeout(5_000)
                    .send()
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(10, TimeUnit.SECONDS)
                    .statusCode();
        } catch (ExecutionException | TimeoutException e) {
            // The caller asks again until its own deadline: a slow first answer during start is not a failure.
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static boolean refused(NetClient probe, int port) {
        Future<Void> attempt = probe.connect(port, "127.0.0.1").compose(socket -> socket.close());
        Await.condition(Duration.ofSeconds(5), attempt::isComplete);
        return attempt.failed();
    }

    /** A port free a moment ago; the process must bind a fixed port it is told. */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
