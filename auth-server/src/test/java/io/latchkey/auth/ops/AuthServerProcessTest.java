package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.AuthServerMain;
import io.latchkey.auth.test.HeldRelay;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
    private ServiceProcess process;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        keyService = new KeyServiceVerticle(
                KeyServiceConfig.from(new Env(TestStack.keyServiceEnv(db.url(), TestAuthServer.ISSUER))));
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
        if (process != null) {
            process.close();
        }
    }

    @Test
    void sigtermWhenTokenRequestInFlightThenItCompletesWith200AndNewConnectionsAreRefused() throws Exception {
        HeldRelay relay = HeldRelay.start(vertx, keyService.internalPort());
        int port = ServiceProcess.freePort();
        process = start(port, relay.port());
        WebClient client = WebClient.create(vertx);
        process.awaitReady(port, Duration.ofSeconds(60));
        relay.hold();
        long before = relay.received();
        Future<HttpResponse<Buffer>> inFlight = client.post(port, "127.0.0.1", "/oauth2/token")
                .putHeader("Authorization", TestAuthServer.basic("svc", TestClients.secretOf("svc")))
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .putHeader("X-Request-Id", "in-flight-1")
                .sendBuffer(Buffer.buffer("grant_type=client_credentials"));
        Await.until(
                "the token request waiting on its signature", Duration.ofSeconds(10), () -> relay.received() > before);

        process.terminate();

        Await.until("new connections refused", Duration.ofSeconds(5), () -> ServiceProcess.refused(port));
        assertFalse(inFlight.isComplete(), "the request is still in flight");
        relay.release();
        HttpResponse<Buffer> response = Await.result(inFlight);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertNotNull(response.bodyAsJsonObject().getString("access_token"));
        assertEquals("in-flight-1", response.getHeader("X-Request-Id"));
        assertTrue(process.waitFor(Duration.ofSeconds(30)), "the process exits after its shutdown");
        List<String> lines = process.logLines();
        assertFalse(lines.isEmpty());
        List<JsonObject> events = lines.stream().map(JsonObject::new).toList();
        assertTrue(events.stream().anyMatch(e -> "auth-server stopping".equals(e.getString("formattedMessage"))));
        assertTrue(
                events.stream().anyMatch(e -> "in-flight-1"
                        .equals(e.getJsonObject("mdc", new JsonObject()).getString("requestId"))),
                "the in-flight request's log lines carry its request id");
        client.close();
        Await.result(relay.close());
    }

    /** auth-server on {@code port}, one event loop, JSON logs, signing through key-service at {@code keyServicePort}. */
    private ServiceProcess start(int port, int keyServicePort) {
        return ServiceProcess.main("auth-server", AuthServerMain.class.getName())
                .serviceLogging()
                .env(TestAuthServer.env(db))
                .env("LATCHKEY_PORT", Integer.toString(port))
                .env("LATCHKEY_EVENT_LOOPS", "1")
                .env("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keyServicePort)
                .env("LATCHKEY_LOG_FORMAT", "json")
                .directory(dir)
                .log(dir.resolve("auth-server.log"))
                .start();
    }
}
