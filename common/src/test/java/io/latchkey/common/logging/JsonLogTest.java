package io.latchkey.common.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;

/**
 * The shared {@code latchkey-logback.xml} as a service includes it, in its own logger context, with the console
 * captured: JSON lines that parse and carry the message and the request id, even when requests interleave; and a
 * logged exception by level, in both formats: at ERROR (an unexpected failure) its stack trace, in JSON as the
 * {@code stack_trace} field of the same one-line object; below ERROR (an expected failure) one line, no trace.
 */
@ExtendWith(VertxExtension.class)
class JsonLogTest {
    private static final String SERVICE_CONFIG = """
            <configuration>
              <include resource="latchkey-logback.xml"/>
              <root level="INFO"><appender-ref ref="${LATCHKEY_LOG_FORMAT:-text}"/></root>
            </configuration>
            """;

    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();
    private PrintStream originalOut;
    private LoggerContext logging;
    private Logger log;
    private HttpServer server;
    private WebClient client;

    @BeforeEach
    void captureConsole() {
        originalOut = System.out;
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() throws Exception {
        System.setOut(originalOut);
        if (logging != null) {
            logging.stop();
        }
        if (client != null) {
            client.close();
        }
        if (server != null) {
            Await.result(server.close());
        }
    }

    @Test
    void logWhenFormatJsonThenOneObjectPerLineWithMessageAndRequestId(Vertx vertx) throws Exception {
        configure("json");
        start(vertx);

        HttpResponse<?> response = Await.result(client.get(server.actualPort(), "127.0.0.1", "/work?name=a")
                .putHeader("X-Request-Id", "req-1.A_b")
                .send());

        assertEquals("req-1.A_b", response.getHeader("X-Request-Id"));
        JsonObject line = onlyLine();
        assertEquals("INFO", line.getString("level"));
        assertEquals("io.latchkey.test", line.getString("loggerName"));
        assertEquals("handled a after a hop", line.getString("formattedMessage"));
        assertEquals("req-1.A_b", line.getJsonObject("mdc").getString("requestId"));
    }

    @Test
    void logWhenRequestIdMalformedThenGeneratedIdIsEchoedAndLogged(Vertx vertx) throws Exception {
        configure("json");
        start(vertx);

        HttpResponse<?> response = Await.result(client.get(server.actualPort(), "127.0.0.1", "/work?name=b")
                .putHeader("X-Request-Id", "evil\" id}")
                .send());

        String id = response.getHeader("X-Request-Id");
        assertTrue(Pattern.matches("[0-9a-f]{32}", id), id);
        assertEquals(id, onlyLine().getJsonObject("mdc").getString("requestId"));
    }

    @Test
    void logWhenRequestsInterleaveOnOneEventLoopThenEachLineCarriesItsOwnId(Vertx vertx) throws Exception {
        configure("json");
        start(vertx);
        int port = server.actualPort();

        List<HttpResponse<?>> responses = Await.result(Future.all(
                        client.get(port, "127.0.0.1", "/work?name=first")
                                .putHeader("X-Request-Id", "first")
                                .send(),
                        client.get(port, "127.0.0.1", "/work?name=second")
                                .putHeader("X-Request-Id", "second")
                                .send(),
                        client.get(port, "127.0.0.1", "/work?name=third")
                                .putHeader("X-Request-Id", "third")
                                .send())
                .map(all -> all.<HttpResponse<?>>list()));

        assertEquals(3, responses.size());
        List<JsonObject> lines = lines();
        assertEquals(3, lines.size());
        for (JsonObject line : lines) {
            String name = line.getString("formattedMessage").split(" ")[1];
            assertEquals(name, line.getJsonObject("mdc").getString("requestId"));
        }
    }

    @Test
    void logOutsideARequestThenNoRequestId(Vertx vertx) throws Exception {
        configure("json");
        start(vertx);
        Await.result(
                client.get(server.actualPort(), "127.0.0.1", "/work?name=c").send());
        captured.reset();

        log.info("between requests");

        JsonObject line = onlyLine();
        assertEquals("between requests", line.getString("formattedMessage"));
        assertFalse(line.containsKey("mdc") && line.getJsonObject("mdc").containsKey("requestId"));
    }

    @Test
    void logWhenFormatUnsetThenPlainTextWithRequestId(Vertx vertx) throws Exception {
        configure(null);
        start(vertx);

        Await.result(client.get(server.actualPort(), "127.0.0.1", "/work?name=d")
                .putHeader("X-Request-Id", "plain-1")
                .send());

        String text = captured.toString(StandardCharsets.UTF_8).strip();
        assertFalse(text.startsWith("{"), text);
        assertTrue(text.contains("io.latchkey.test [plain-1] - handled d after a hop"), text);
    }

    @Test
    void logWhenErrorWithExceptionAsJsonThenOneLineWithItsStackTrace() throws Exception {
        configure("json");

        log.error("request failed", failure());

        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.strip().lines().count(), text);
        assertFalse(text.contains("stepArray"), text);
        JsonObject line = onlyLine();
        assertEquals("ERROR", line.getString("level"));
        assertEquals("request failed", line.getString("formattedMessage"));
        assertNull(line.getValue("throwable"), line.encode());
        String trace = line.getString("stack_trace");
        assertTrue(trace.startsWith("java.lang.IllegalStateException: outer\n\tat "), trace);
        assertTrue(trace.contains("\tat io.latchkey.common.logging.JsonLogTest.failure("), trace);
        assertTrue(trace.contains("\nCaused by: java.sql.SQLException: inner line one\nline two\n\tat "), trace);
    }

    @Test
    void logWhenErrorMessageHasQuotesAndControlCharactersAsJsonThenTheTraceStaysOneLineAndExact() throws Exception {
        configure("json");
        Exception odd = new IllegalArgumentException("a \"quoted\" \\path\\ with\ttab, \u0001 and \u2028 inside");

        log.error("odd failure", odd);

        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.strip().lines().count(), text);
        assertTrue(
                onlyLine()
                        .getString("stack_trace")
                        .startsWith("java.lang.IllegalArgumentException: " + odd.getMessage() + "\n\tat "),
                text);
    }

    @Test
    void logWhenWarnWithExceptionAsJsonThenOneLineWithItsTypesAndNoStackTrace() throws Exception {
        configure("json");

        log.warn("client went away", failure());

        String text = captured.toString(StandardCharsets.UTF_8);
        assertFalse(text.contains("\tat ") || text.contains("\\tat ") || text.contains("stepArray"), text);
        JsonObject line = onlyLine();
        assertNull(line.getValue("throwable"), line.encode());
        assertNull(line.getValue("stack_trace"), line.encode());
        assertEquals(
                "client went away [IllegalStateException: outer <- SQLException: inner line one line two]",
                line.getString("formattedMessage"));
    }

    @Test
    void logWhenErrorWithExceptionAsTextThenTheLineThenItsStackTrace() throws Exception {
        configure(null);

        log.error("request failed", failure());

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.get(0).endsWith("- request failed"), lines.get(0));
        assertEquals("java.lang.IllegalStateException: outer", lines.get(1));
        assertTrue(lines.get(2).startsWith("\tat io.latchkey.common.logging.JsonLogTest.failure("), lines.get(2));
        assertTrue(lines.contains("Caused by: java.sql.SQLException: inner line one"), lines.toString());
        assertFalse(lines.get(lines.size() - 1).isBlank(), "no blank line after the trace");
    }

    @Test
    void logWhenWarnWithExceptionAsTextThenOneLineWithItsTypesAndNoStackTrace() throws Exception {
        configure(null);

        log.warn("client went away", failure());

        String text = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, text.strip().lines().count(), text);
        assertFalse(text.contains("\tat "), text);
        assertTrue(
                text.strip()
                        .endsWith(
                                "- client went away [IllegalStateException: outer <- SQLException: inner line one line two]"),
                text);
    }

    @Test
    void logWhenErrorWithoutExceptionThenOneLine() throws Exception {
        configure("json");

        log.error("key-service refused to sign: HTTP 400");

        JsonObject line = onlyLine();
        assertEquals("key-service refused to sign: HTTP 400", line.getString("formattedMessage"));
        assertFalse(line.containsKey("stack_trace"), line.encode());
    }

    /** A failure with a cause whose message spans lines, thrown so that both carry real stack frames. */
    private static Exception failure() {
        try {
            try {
                throw new java.sql.SQLException("inner line one\nline two");
            } catch (java.sql.SQLException e) {
                throw new IllegalStateException("outer", e);
            }
        } catch (IllegalStateException e) {
            return e;
        }
    }

    @Test
    void requestIdWhenOfferedValuesVaryThenOnlyWellFormedOnesKept() {
        assertEquals("abc-DEF_1.2", RequestIdHandler.accept("abc-DEF_1.2"));
        assertEquals("x".repeat(64), RequestIdHandler.accept("x".repeat(64)));
        assertNotEquals("x".repeat(65), RequestIdHandler.accept("x".repeat(65)));
        assertNotEquals("", RequestIdHandler.accept(""));
        assertNotEquals("a b", RequestIdHandler.accept("a b"));
        assertNotEquals("a\nb", RequestIdHandler.accept("a\nb"));
        assertTrue(Pattern.matches("[0-9a-f]{32}", RequestIdHandler.accept(null)));
    }

    private void configure(String format) throws Exception {
        logging = new LoggerContext();
        // A context of our own has no MDC adapter; share the one SLF4J's MDC (and so the turbo filter) writes to.
        logging.setMDCAdapter(org.slf4j.MDC.getMDCAdapter());
        if (format != null) {
            logging.putProperty("LATCHKEY_LOG_FORMAT", format);
        }
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(logging);
        configurator.doConfigure(new ByteArrayInputStream(SERVICE_CONFIG.getBytes(StandardCharsets.UTF_8)));
        log = logging.getLogger("io.latchkey.test");
        captured.reset();
    }

    private void start(Vertx vertx) throws Exception {
        Router router = Router.router(vertx);
        RequestIdHandler.mount(router);
        // The log line is written after an asynchronous hop, where a thread-local id would long be gone or wrong.
        router.get("/work").handler(ctx -> {
            String name = ctx.queryParams().get("name");
            vertx.timer(20).onComplete(ar -> {
                log.info("handled {} after a hop", name);
                ctx.response().end(name);
            });
        });
        server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        client = WebClient.create(vertx);
    }

    private JsonObject onlyLine() {
        List<JsonObject> lines = lines();
        assertEquals(1, lines.size(), lines.toString());
        return lines.get(0);
    }

    private List<JsonObject> lines() {
        return captured.toString(StandardCharsets.UTF_8)
                .lines()
                .filter(l -> !l.isBlank())
                .map(JsonObject::new)
                .toList();
    }
}
