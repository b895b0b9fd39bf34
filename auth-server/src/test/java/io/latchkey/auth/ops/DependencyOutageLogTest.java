package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * key-service down under a burst of token requests: every request gets 503 {@code temporarily_unavailable}, but
 * the log gets one line for the outage (the dependency's change of state), not one per request; and auth-server
 * stays ready, its ready body naming key-service as down.
 */
class DependencyOutageLogTest {
    static final int REQUESTS = 200;

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    static final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    static Vertx vertx;
    static TestAuthServer auth;

    @BeforeAll
    static void start() {
        // Captured from before the start: the outage begins with it.
        appender.start();
        root.addAppender(appender);
        vertx = Vertx.vertx();
        Pool pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        Await.result(pool.close());
        // TestAuthServer's key-service URL is a port nobody listens on: key-service is down from the start.
        auth = TestAuthServer.start(vertx, TestAuthServer.env(db));
    }

    @AfterAll
    static void stop() {
        root.detachAppender(appender);
        auth.close();
        Await.result(vertx.close());
    }

    @Test
    void keyServiceDownWhenManyRequestsFailThenOneLogLineNotOnePerRequest() {
        int before = warnings().size();
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        for (int i = 0; i < REQUESTS; i++) {
            sent.add(auth.client()
                    .post("/oauth2/token")
                    .putHeader("Authorization", TestClients.confidential("svc").basic())
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .sendBuffer(Buffer.buffer("grant_type=client_credentials")));
        }
        for (Future<HttpResponse<Buffer>> answer : sent) {
            HttpResponse<Buffer> response = Await.result(answer);
            assertEquals(503, response.statusCode(), response.bodyAsString());
            assertEquals("temporarily_unavailable", response.bodyAsJsonObject().getString("error"));
        }
        List<String> all = warnings();
        List<String> duringBurst = all.subList(before, all.size());
        assertEquals(
                1,
                all.stream().filter(l -> l.contains("key-service is down")).count(),
                "one line for the outage: " + all);
        assertEquals(List.of(), duringBurst, REQUESTS + " failed requests, no line each");

        HttpResponse<Buffer> ready =
                Await.result(auth.client().get("/health/ready").send());
        assertEquals(200, ready.statusCode(), "the feed still serves: ready stays up");
        JsonObject dependencies = ready.bodyAsJsonObject().getJsonObject("dependencies");
        assertEquals("down", dependencies.getString("key-service"));
        assertEquals("up", dependencies.getString("database"));
    }

    private static List<String> warnings() {
        synchronized (appender.list) {
            return appender.list.stream()
                    .filter(e -> e.getLevel().isGreaterOrEqual(Level.WARN))
                    .map(e -> e.getLoggerName() + ": " + e.getFormattedMessage())
                    .toList();
        }
    }
}
