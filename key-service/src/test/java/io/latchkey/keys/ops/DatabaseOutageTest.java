package io.latchkey.keys.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.StoppablePostgres;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.http.ErrorRenderer;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * PostgreSQL stopped under a running key-service: the key routes that need it answer 503 {@code
 * temporarily_unavailable} with {@code Retry-After} within the 10 s the client allows, signing goes on from the keys
 * in memory, and once the database is back the same routes succeed with no restart.
 */
class DatabaseOutageTest {
    static final long REQUEST_DEADLINE_MS = 10_000;

    static StoppablePostgres pg;
    static Vertx vertx;
    static KeyServiceConfig config;
    static KeyServiceVerticle service;
    static WebClient client;
    static KeyServiceClient keys;

    @BeforeAll
    static void start() {
        pg = StoppablePostgres.start();
        vertx = Vertx.vertx();
        config = TestKeyService.on(pg.settings().url()).build();
        service = new KeyServiceVerticle(config);
        Await.result(vertx.deployVerticle(service));
        client = WebClient.create(vertx);
        keys = new KeyServiceClient(client, service, config);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
        pg.close();
    }

    @Test
    void databaseStoppedThenKeyRoutesAnswer503WithRetryAfterAndRecoverWithoutRestart() {
        String kid = keys.sign().getString("kid");
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        Logger renderer = (Logger) LoggerFactory.getLogger(ErrorRenderer.class);
        logs.start();
        renderer.addAppender(logs);
        pg.stop();
        try {
            for (String[] route : List.of(
                    new String[] {"POST", "/internal/keys/rotate"},
                    new String[] {"GET", "/internal/keys"},
                    new String[] {"POST", "/internal/keys/" + kid + "/revoke"})) {
                HttpResponse<Buffer> response = internal(route[0], route[1]);
                String what = route[0] + " " + route[1];
                assertEquals(503, response.statusCode(), what + ": " + response.bodyAsString());
                assertNotNull(response.getHeader("Retry-After"), what);
                assertEquals(
                        "temporarily_unavailable", response.bodyAsJsonObject().getString("error"), what);
            }
            // Signing needs no database: the keys are in memory.
            assertNotNull(keys.sign().getString("token"));
            HttpResponse<Buffer> ready = get(service.internalPort(), "/health/ready");
            assertEquals(503, ready.statusCode());
            assertEquals(
                    "down",
                    ready.bodyAsJsonObject().getJsonObject("dependencies").getString("database"));
            assertEquals(List.of(), logs.list, "an outage is counted against the database, not logged per request");
        } finally {
            renderer.detachAppender(logs);
            pg.restart();
        }
        Await.until(
                "key-service ready again",
                Duration.ofSeconds(30),
                () -> get(service.internalPort(), "/health/ready").statusCode() == 200);
        assertEquals(200, internal("GET", "/internal/keys").statusCode());
        assertEquals(201, internal("POST", "/internal/keys/rotate").statusCode());
        assertEquals(
                "up",
                get(service.internalPort(), "/health/ready")
                        .bodyAsJsonObject()
                        .getJsonObject("dependencies")
                        .getString("database"),
                "the ready body tells the state found by its own check");
    }

    private static HttpResponse<Buffer> internal(String method, String path) {
        return Await.result(
                client.request(HttpMethod.valueOf(method), service.internalPort(), "127.0.0.1", path)
                        .putHeader("Authorization", "Bearer " + config.internalSecret())
                        .timeout(REQUEST_DEADLINE_MS)
                        .send(),
                Duration.ofMillis(REQUEST_DEADLINE_MS + 1_000));
    }

    private static HttpResponse<Buffer> get(int port, String path) {
        return Await.result(
                client.get(port, "127.0.0.1", path).timeout(REQUEST_DEADLINE_MS).send(),
                Duration.ofMillis(REQUEST_DEADLINE_MS + 1_000));
    }
}
