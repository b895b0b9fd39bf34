package io.latchkey.auth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** What the one failure renderer answers and logs: a 5xx once at ERROR with its throwable, a 4xx not at all. */
class OAuthErrorsTest {
    private static Vertx vertx;
    private static HttpServer server;
    private static WebClient web;

    private final Logger logger = (Logger) LoggerFactory.getLogger(OAuthErrors.class);
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        Router router = Router.router(vertx);
        router.get("/bug").handler(Reply.json(200, ctx -> {
            throw new IllegalStateException("a bug");
        }));
        router.get("/signing")
                .handler(Reply.empty(
                        204,
                        ctx -> Future.failedFuture(OAuthError.serverError(
                                new IllegalStateException("key-service refused to sign: HTTP 400")))));
        router.get("/busy")
                .handler(Reply.empty(
                        204, ctx -> Future.failedFuture(OAuthError.temporarilyUnavailable("Too many requests", 1))));
        router.get("/bad").handler(Reply.empty(204, ctx -> {
            throw OAuthError.invalidRequest("The parameter x is required");
        }));
        router.route().failureHandler(OAuthErrors::render);
        server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        web = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @BeforeEach
    void capture() {
        logs.start();
        logger.addAppender(logs);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logs);
    }

    @Test
    void renderWhenUnexpectedFailureThenGenericServerErrorAndOneErrorWithTheThrowable() {
        HttpResponse<Buffer> response = get("/bug");

        assertEquals(500, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "server_error")
                        .put("error_description", "The server could not handle the request"),
                response.bodyAsJsonObject());
        ILoggingEvent event = onlyEvent();
        assertEquals(Level.ERROR, event.getLevel());
        assertEquals("a bug", event.getThrowableProxy().getMessage());
    }

    @Test
    void renderWhenServerErrorCarriesACauseThenOneErrorWithTheCause() {
        HttpResponse<Buffer> response = get("/signing");

        assertEquals(500, response.statusCode());
        ILoggingEvent event = onlyEvent();
        assertEquals(Level.ERROR, event.getLevel());
        assertNotNull(event.getThrowableProxy().getCause());
        assertEquals(
                "key-service refused to sign: HTTP 400",
                event.getThrowableProxy().getCause().getMessage());
    }

    @Test
    void renderWhenDeliberate503ThenRetryAfterAndOneWarnLineWithoutTrace() {
        HttpResponse<Buffer> response = get("/busy");

        assertEquals(503, response.statusCode());
        assertEquals("1", response.getHeader("Retry-After"));
        ILoggingEvent event = onlyEvent();
        assertEquals(Level.WARN, event.getLevel());
        assertNull(event.getThrowableProxy());
    }

    @Test
    void renderWhenClientErrorThenItsBodyAndNothingLogged() {
        HttpResponse<Buffer> response = get("/bad");

        assertEquals(400, response.statusCode());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "The parameter x is required"),
                response.bodyAsJsonObject());
        assertTrue(events().isEmpty(), () -> "logged: " + events());
    }

    private ILoggingEvent onlyEvent() {
        List<ILoggingEvent> events = events();
        assertEquals(1, events.size(), () -> "logged: " + events);
        return events.get(0);
    }

    private List<ILoggingEvent> events() {
        synchronized (logs.list) {
            return List.copyOf(logs.list);
        }
    }

    private static HttpResponse<Buffer> get(String path) {
        return Await.result(web.get(server.actualPort(), "127.0.0.1", path).send());
    }
}
