package io.latchkey.demo.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.latchkey.common.testing.Await;
import io.latchkey.demo.notes.InMemoryNoteStore;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;

/**
 * How the demo API's failures are answered and logged: an unexpected failure is a bare {@code server_error} and one
 * ERROR event carrying the exception (its stack trace, in the service's log format); a client that hangs up
 * mid-request is one event below ERROR.
 */
@ExtendWith(VertxExtension.class)
class ApiErrorsTest {
    private final ListAppender<ILoggingEvent> events = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(ApiErrors.class);
    private HttpServer server;

    @BeforeEach
    void capture() {
        events.start();
        logger.addAppender(events);
    }

    @AfterEach
    void release() {
        logger.detachAppender(events);
        if (server != null) {
            Await.result(server.close());
        }
    }

    @Test
    void failureWhenUnexpectedThenServerErrorAndOneErrorEventWithTheException(Vertx vertx) {
        IllegalStateException bug = new IllegalStateException("a bug");
        start(vertx, ctx -> {
            throw bug;
        });
        WebClient client = WebClient.create(vertx);

        HttpResponse<Buffer> response = Await.result(
                client.get(server.actualPort(), "127.0.0.1", "/api/me").send());

        assertEquals(500, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "server_error")
                        .put("error_description", "the server could not complete the request"),
                response.bodyAsJsonObject());
        List<ILoggingEvent> logged = List.copyOf(events.list);
        assertEquals(1, logged.size(), logged.toString());
        assertEquals(Level.ERROR, logged.get(0).getLevel());
        assertEquals("Unexpected failure on GET /api/me", logged.get(0).getFormattedMessage());
        assertNotNull(logged.get(0).getThrowableProxy());
        assertEquals(bug.getMessage(), logged.get(0).getThrowableProxy().getMessage());
        client.close();
    }

    @Test
    void failureWhenClientHangsUpMidBodyThenOneEventBelowError(Vertx vertx) {
        start(vertx, RoutingContext::next);
        NetSocket socket = Await.result(vertx.createNetClient().connect(server.actualPort(), "127.0.0.1"));

        Await.result(socket.write("POST /api/notes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: 1000\r\n\r\n{\"text\":\"half"));
        Await.result(socket.close());

        Await.until("the failure is logged", Duration.ofSeconds(10), () -> !events.list.isEmpty());
        List<ILoggingEvent> logged = List.copyOf(events.list);
        assertEquals(1, logged.size(), logged.toString());
        assertTrue(logged.get(0).getLevel().toInt() < Level.ERROR.toInt(), logged.toString());
    }

    private void start(Vertx vertx, Handler<RoutingContext> authentication) {
        Router router = Router.router(vertx);
        new DemoApiRoutes(new InMemoryNoteStore(Clock.systemUTC()), authentication, "resource-demo").mount(router);
        server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    }
}
