package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.latchkey.auth.test.LogCapture;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Database;
import io.latchkey.db.test.StoppablePostgres;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL stopped under a running auth-server: every endpoint that needs the database answers 503 {@code
 * temporarily_unavailable} with {@code Retry-After} (not 500), each within the 10 s the client allows; once the
 * database is back, the same requests succeed with no restart of the service.
 */
class DatabaseOutageTest {
    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";
    static final long REQUEST_DEADLINE_MS = 10_000;

    static StoppablePostgres pg;
    static Vertx vertx;
    static TestStack stack;
    static WebClient client;

    @BeforeAll
    static void start() {
        pg = StoppablePostgres.start();
        vertx = Vertx.vertx();
        Pool pool = Database.pool(vertx, pg.settings(), 2);
        TestClients.publicClient("app").insert(pool);
        TestClients.revocationReader("reader").insert(pool);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        TestUsers.insert(pool, "alice", "alice-password-123");
        Await.result(pool.close());
        stack = TestStack.start(
                vertx, pg.settings().url(), env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        client = stack.auth().client();
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
        Await.result(vertx.close());
        pg.close();
    }

    /** The requests that need the database, each a fresh request per call. */
    static List<Call> calls(String userToken, String adminToken) {
        return List.of(
                new Call(
                        "token (client_credentials)",
                        c -> form(c).putHeader(
                                        "Authorization",
                                        TestClients.confidential("svc").basic()),
                        "grant_type=client_credentials"),
                new Call(
                        "token (password)",
                        DatabaseOutageTest::form,
                        "grant_type=password&client_id=app&username=alice&password=alice-password-123"),
                new Call("logout", c -> c.request(HttpMethod.POST, "/logout")
                        .putHeader("Authorization", "Bearer " + userToken)),
                new Call("revocations", c -> c.request(HttpMethod.GET, "/revocations")
                        .putHeader(
                                "Authorization",
                                TestClients.revocationReader("reader").basic())),
                new Call(
                        "admin create user",
                        c -> c.request(HttpMethod.POST, "/admin/users")
                                .putHeader("Authorization", "Bearer " + adminToken)
                                .putHeader("Content-Type", "application/json"),
                        new JsonObject()
                                .put("username", "bob")
                                .put("password", "bob-password-123456")
                                .encode()),
                new Call("browser login page", c -> c.request(HttpMethod.GET, "/login/" + "a".repeat(43))));
    }

    @Test
    void databaseStoppedThenEveryDatabaseEndpointAnswers503WithRetryAfterAndRecoversWithoutRestart() {
        String userToken = passwordLogin();
        String adminToken = adminToken();
        try (LogCapture logs = new LogCapture()) {
            pg.stop();
            for (Call call : calls(userToken, adminToken)) {
                long started = System.nanoTime();
                HttpResponse<Buffer> response = call.send(client);
                // A figure for the record, not an assertion: the deadline is the client's timeout.
                System.out.printf(
                        "DatabaseOutage: %s answered %d in %d ms%n",
                        call.name, response.statusCode(), (System.nanoTime() - started) / 1_000_000);
                assertEquals(503, response.statusCode(), call.name + ": " + response.bodyAsString());
                assertNotNull(response.getHeader("Retry-After"), call.name);
                if (!call.name.startsWith("browser")) {
                    assertEquals(
                            "temporarily_unavailable",
                            response.bodyAsJsonObject().getString("error"),
                            call.name);
                }
            }
            HttpResponse<Buffer> ready =
                    Await.result(client.get("/health/ready").send());
            assertEquals(503, ready.statusCode());
            assertEquals(
                    "down",
                    ready.bodyAsJsonObject().getJsonObject("dependencies").getString("database"));
            assertFalse(
                    logs.lines().stream().anyMatch(l -> l.contains("server_error")),
                    "an outage is not logged as a server error");
        } finally {
            pg.restart();
        }

        Await.until(
                "auth-server ready again",
                Duration.ofSeconds(30),
                () -> Await.result(client.get("/health/ready").send()).statusCode() == 200);
        // The same requests succeed with the service never restarted.
        assertEquals(200, calls(userToken, adminToken).get(0).send(client).statusCode());
        assertEquals(200, calls(userToken, adminToken).get(1).send(client).statusCode());
        assertEquals(200, calls(userToken, adminToken).get(3).send(client).statusCode());
        assertEquals(201, calls(userToken, adminToken).get(4).send(client).statusCode());
        assertEquals(204, calls(userToken, adminToken).get(2).send(client).statusCode());
    }

    private static String passwordLogin() {
        HttpResponse<Buffer> response = calls("", "").get(1).send(client);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    private static String adminToken() {
        HttpResponse<Buffer> response =
                stack.auth().postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    private static HttpRequest<Buffer> form(WebClient c) {
        return c.request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
    }

    /** One request; the client gives up after {@link #REQUEST_DEADLINE_MS}, which fails the test. */
    record Call(String name, Function<WebClient, HttpRequest<Buffer>> request, String body) {
        Call(String name, Function<WebClient, HttpRequest<Buffer>> request) {
            this(name, request, "");
        }

        HttpResponse<Buffer> send(WebClient c) {
            return Await.result(
                    request.apply(c).timeout(REQUEST_DEADLINE_MS).sendBuffer(Buffer.buffer(body)),
                    Duration.ofMillis(REQUEST_DEADLINE_MS + 1_000));
        }
    }
}
