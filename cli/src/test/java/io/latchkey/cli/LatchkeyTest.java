package io.latchkey.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The CLI against a small stand-in for auth-server's admin API (real HTTP on a free port): exit codes for each kind
 * of failure, one-line errors, tables and {@code --json}, secrets read only from the environment and stdin.
 */
class LatchkeyTest {
    private HttpServer server;
    /** Path (with query) to status and body; the token endpoint answers per {@link #tokenStatus}. */
    private final Map<String, String[]> answers = new ConcurrentHashMap<>();

    private final Map<String, String> requestBodies = new ConcurrentHashMap<>();
    private volatile int tokenStatus = 200;

    record Result(int code, String out, String err) {}

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::answer);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath()
                + (exchange.getRequestURI().getRawQuery() == null
                        ? ""
                        : "?" + exchange.getRequestURI().getRawQuery());
        requestBodies.put(
                exchange.getRequestMethod() + " " + path,
                new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
        String[] answer;
        if (path.equals("/oauth2/token")) {
            answer = tokenStatus == 200
                    ? new String[] {"200", "{\"access_token\":\"t0k3n\",\"token_type\":\"Bearer\"}"}
                    : new String[] {
                        Integer.toString(tokenStatus),
                        "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}"
                    };
        } else if (!"Bearer t0k3n".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            answer = new String[] {"401", "{\"error\":\"invalid_token\"}"};
        } else {
            answer = answers.getOrDefault(
                    path, new String[] {"404", "{\"error\":\"not_found\",\"error_description\":\"No such endpoint\"}"});
        }
        byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
        int status = Integer.parseInt(answer[0]);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, status == 204 ? -1 : body.length);
        if (status != 204) {
            exchange.getResponseBody().write(body);
        }
        exchange.close();
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_ISSUER", "http://127.0.0.1:" + server.getAddress().getPort());
        env.put("LATCHKEY_ADMIN_CLIENT_SECRET", "admin-secret-for-the-cli-tests-0123456789");
        return env;
    }

    private Result run(Map<String, String> env, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Latchkey.run(
                args,
                env,
                new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private Result run(String... args) {
        return run(env(), "", args);
    }

    private static void assertOneLineError(Result result, int code, String message) {
        assertEquals(code, result.code(), result.err());
        assertEquals("latchkey: " + message + System.lineSeparator(), result.err());
        assertEquals("", result.out());
    }

    @Test
    void usersListWhenJsonAfterTheSubcommandThenTheServersDocumentOnOneLine() {
        answers.put(
                "/admin/users?limit=2",
                new String[] {"200", "{\"items\":[{\"id\":\"u1\",\"username\":\"alice\"}],\"next\":\"Y3Vy\"}"});
        Result result = run("users", "list", "--limit", "2", "--json");
        assertEquals(0, result.code(), result.err());
        JsonNode parsed = Json.parse(result.out().strip());
        assertEquals("alice", parsed.path("items").get(0).path("username").asText());
        assertEquals("Y3Vy", parsed.path("next").asText());
        assertEquals(1, result.out().strip().lines().count());
    }

    @Test
    void usersListWhenAllThenFollowsEveryPageIntoOneTable() {
        answers.put("/admin/users", new String[] {
            "200", "{\"items\":[{\"id\":\"u1\",\"username\":\"alice\",\"created_at\":0}],\"next\":\"c2\"}"
        });
        answers.put("/admin/users?cursor=c2", new String[] {
            "200", "{\"items\":[{\"id\":\"u2\",\"username\":\"bob\\u001b[2J\",\"disabled\":true}],\"next\":null}"
        });
        Result result = run("users", "list", "--all");
        assertEquals(0, result.code(), result.err());
        assertEquals(
                List.of(
                        "ID  USERNAME  NAME  EMAIL  DISABLED  CREATED",
                        "u1  alice                            1970-01-01T00:00:00Z",
                        "u2  bob [2J                true"),
                result.out().lines().toList());
    }

    @Test
    void listWhenMorePagesThenTableSaysHowToGetTheNext() {
        answers.put("/admin/keys", new String[] {
            "200",
            "{\"items\":[{\"kid\":\"k1\",\"alg\":\"RS256\",\"state\":\"active\",\"published_at\":60}],\"next\":\"azE\"}"
        });
        Result result = run("keys", "list");
        assertEquals(0, result.code());
        assertTrue(result.out().contains("k1   RS256  active  1970-01-01T00:01:00Z"), result.out());
        assertTrue(result.out().endsWith("(more: add --cursor azE, or --all)" + System.lineSeparator()), result.out());
    }

    @Test
    void errorsWhenServerRefusesThenExitCodeSaysWhatFailedOnOneLine() {
        answers.put(
                "/admin/users/nope",
                new String[] {"404", "{\"error\":\"not_found\",\"error_description\":\"No user with this id\"}"});
        assertOneLineError(run("users", "get", "nope"), 3, "No user with this id (not_found)");
        answers.put(
                "/admin/clients/c/disable",
                new String[] {"403", "{\"error\":\"insufficient_scope\",\"error_description\":\"lacks admin\"}"});
        assertOneLineError(run("clients", "disable", "c"), 2, "lacks admin (insufficient_scope)");
        answers.put("/admin/keys/rotate", new String[] {
            "400", "{\"error\":\"invalid_request\",\"error_description\":\"alg must be RS256 or ES256\"}"
        });
        assertOneLineError(run("keys", "rotate", "--alg", "HS256"), 5, "alg must be RS256 or ES256 (invalid_request)");
        assertEquals("{\"alg\":\"HS256\"}", requestBodies.get("POST /admin/keys/rotate"));
        answers.put("/admin/keys", new String[] {
            "503",
            "{\"error\":\"temporarily_unavailable\",\"error_description\":\"key-service did not answer;\\nretry\"}"
        });
        assertOneLineError(run("keys", "list"), 4, "key-service did not answer; retry (temporarily_unavailable)");
        answers.put("/admin/audit", new String[] {"500", "not json"});
        assertOneLineError(run("audit"), 4, "the server answered HTTP 500");
    }

    @Test
    void credentialsWhenWrongOrMissingThenAuthExitAndNoSecretPrinted() {
        tokenStatus = 401;
        Result wrong = run("clients", "list");
        assertOneLineError(
                wrong, 2, "authentication failed: check LATCHKEY_ADMIN_CLIENT_ID and LATCHKEY_ADMIN_CLIENT_SECRET");
        Map<String, String> env = env();
        env.remove("LATCHKEY_ADMIN_CLIENT_SECRET");
        assertOneLineError(run(env, "", "clients", "list"), 2, "LATCHKEY_ADMIN_CLIENT_SECRET is not set");
        assertFalse(wrong.err().contains("admin-secret-for-the-cli-tests"));
    }

    @Test
    void serverWhenUnreachableThenServerExitOnOneLine() throws IOException {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Map<String, String> env = env();
        env.put("LATCHKEY_ISSUER", "http://127.0.0.1:" + closed);
        assertOneLineError(
                run(env, "", "users", "list"), 4, "cannot reach http://127.0.0.1:" + closed + " (ConnectException)");
    }

    @Test
    void usageWhenCommandLineWrongThenExitOneWithAHint() {
        Result missing = run("users", "get");
        assertEquals(1, missing.code());
        assertEquals(
                "latchkey: Missing required parameter: 'USER_ID' (see latchkey users get --help)"
                        + System.lineSeparator(),
                missing.err());
        assertEquals(1, run("frobnicate").code());
        assertEquals(1, run().code());
        assertOneLineError(
                run("--issuer", "ftp://example.com", "keys", "list"),
                1,
                "the issuer must be an http(s) URL such as https://auth.example.com");
        assertEquals(1, run("users", "create", "erin").code()); // no password on stdin
    }

    @Test
    void usersCreateWhenPasswordOnStdinThenSentInTheBodyNeverAnArgument() {
        answers.put("/admin/users", new String[] {
            "201", "{\"id\":\"u9\",\"username\":\"erin\",\"email\":\"e@x.example\",\"email_verified\":false}"
        });
        Result result = run(env(), "erin-password-1\n", "users", "create", "erin", "--email", "e@x.example");
        assertEquals(0, result.code(), result.err());
        JsonNode sent = Json.parse(requestBodies.get("POST /admin/users"));
        assertEquals("erin-password-1", sent.path("password").asText());
        assertEquals("e@x.example", sent.path("email").asText());
        assertEquals(
                List.of(
                        "id:             u9",
                        "username:       erin",
                        "email:          e@x.example",
                        "email_verified: false"),
                result.out().lines().toList());
    }

    @Test
    void sessionsEndWhenDoneThenSentenceOrJson() {
        answers.put("/admin/sessions/s1/end", new String[] {"204", ""});
        assertEquals(
                "session s1 ended" + System.lineSeparator(),
                run("sessions", "end", "s1").out());
        assertEquals(
                "{\"sid\":\"s1\",\"ended\":true}",
                run("--json", "sessions", "end", "s1").out().strip());
    }

    @Test
    void idsWhenTypedThenEncodedAsOnePathSegment() {
        answers.put("/admin/clients/a%2F..%2Fusers", new String[] {"200", "{\"client_id\":\"x\"}"});
        assertEquals(0, run("clients", "get", "a/../users").code());
    }

    @Test
    void helpWhenAskedOfAnyCommandThenReadsLikeAManPage() {
        for (String[] command : List.of(
                new String[] {"--help"},
                new String[] {"users", "--help"},
                new String[] {"users", "set-password", "--help"},
                new String[] {"clients", "update", "--help"},
                new String[] {"sessions", "end", "--help"},
                new String[] {"keys", "revoke", "--help"},
                new String[] {"audit", "--help"},
                new String[] {"revocations", "tail", "--help"})) {
            Result help = run(command);
            assertEquals(0, help.code());
            for (String section : List.of("NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "ENVIRONMENT", "EXIT STATUS")) {
                assertTrue(
                        help.out().contains(System.lineSeparator() + section + System.lineSeparator())
                                || help.out().startsWith(section),
                        String.join(" ", command) + " lacks " + section);
            }
            assertTrue(help.out().contains("LATCHKEY_ADMIN_CLIENT_SECRET"));
        }
    }

    @Test
    void sseEventsWhenStreamHasCommentsAndMultilineDataThenOneEventEach() {
        var events = new SseEvents(List.of(
                        ": heartbeat",
                        "",
                        "id: 7",
                        "event: revoked",
                        "data: {\"seq\":7,",
                        "data: \"type\":\"sid\"}",
                        "",
                        "retry: 1000",
                        "data:x",
                        "")
                .iterator());
        var first = events.next();
        assertEquals(new SseEvents.Event("7", "revoked", "{\"seq\":7,\n\"type\":\"sid\"}"), first);
        assertEquals(new SseEvents.Event(null, "message", "x"), events.next());
        assertFalse(events.hasNext());
    }

    @Test
    void oneLineWhenMessageHasControlsOrIsLongThenPrintableAndBounded() {
        assertEquals("a b c", CliFailure.oneLine("a\nb\u001bc"));
        assertEquals(300, CliFailure.oneLine("x".repeat(1000)).length());
    }
}
