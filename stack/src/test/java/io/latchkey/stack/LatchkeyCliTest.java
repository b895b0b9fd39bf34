package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.cli.Latchkey;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.ServiceProcess;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code latchkey} CLI against a running dev stack (started in this JVM, on free ports, with its seeded dev
 * data): each command with {@code --json} parsed, the tables people read, and wrong credentials and an unreachable
 * server failing with one line and a non-zero exit.
 */
class LatchkeyCliTest {
    @TempDir
    static Path dir;

    private static DevStack stack;
    private static int authPort;

    record Result(int code, String out, String err) {
        JsonObject json() {
            assertEquals(0, code, err);
            assertEquals(1, out.strip().lines().count(), out);
            return new JsonObject(out.strip());
        }
    }

    @BeforeAll
    static void start() throws Exception {
        int[] ports = ServiceProcess.freePorts(4);
        authPort = ports[0];
        stack = DevStack.start(StackSettings.from(
                new Env(Map.of(
                        "LATCHKEY_STACK_DIR", dir.toString(),
                        "LATCHKEY_AUTH_SERVER_PORT", Integer.toString(ports[0]),
                        "LATCHKEY_KEY_SERVICE_PORT", Integer.toString(ports[1]),
                        "LATCHKEY_KEY_SERVICE_INTERNAL_PORT", Integer.toString(ports[2]),
                        "LATCHKEY_RESOURCE_DEMO_PORT", Integer.toString(ports[3]),
                        // Read once the management listeners land: any free port, never the fixed defaults.
                        "LATCHKEY_AUTH_SERVER_MANAGEMENT_PORT", "0",
                        "LATCHKEY_KEY_SERVICE_MANAGEMENT_PORT", "0",
                        "LATCHKEY_RESOURCE_DEMO_MANAGEMENT_PORT", "0")),
                List.of()));
    }

    @AfterAll
    static void stop() {
        if (stack != null) {
            stack.close();
        }
    }

    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_ISSUER", "http://127.0.0.1:" + authPort);
        env.put("LATCHKEY_ADMIN_CLIENT_ID", "admin-cli");
        env.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
        return env;
    }

    private static Result latchkey(Map<String, String> env, String stdin, String... args) {
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

    private static Result latchkey(String... args) {
        return latchkey(env(), "", args);
    }

    private static void assertOneLineFailure(Result result, int code) {
        assertEquals(code, result.code(), result.err());
        assertEquals("", result.out());
        assertEquals(1, result.err().lines().count(), result.err());
        assertTrue(result.err().startsWith("latchkey: "), result.err());
    }

    /** Logs a user in through the public dev client; returns the token response. */
    private static JsonObject login(String username, String password) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + authPort + "/oauth2/token"))
                                .header("Content-Type", "application/x-www-form-urlencoded")
                                .POST(HttpRequest.BodyPublishers.ofString("grant_type=password&client_id=demo-app"
                                        + "&username=" + username + "&password=" + password))
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private static String sidOf(String accessToken) {
        String payload = accessToken.split("\\.")[1];
        return new JsonObject(new String(java.util.Base64.getUrlDecoder().decode(payload), StandardCharsets.UTF_8))
                .getString("sid");
    }

    @Test
    void usersWhenListedFoundCreatedAndChangedThenEveryCommandAnswers() throws Exception {
        JsonObject alice =
                latchkey("users", "list", "--username", "ALICE", "--json").json();
        assertEquals(1, alice.getJsonArray("items").size());
        String aliceId = alice.getJsonArray("items").getJsonObject(0).getString("id");
        assertEquals("alice", latchkey("users", "get", aliceId, "--json").json().getString("username"));
        Result table = latchkey("users", "list");
        assertEquals(0, table.code(), table.err());
        assertTrue(table.out().startsWith("ID "), table.out());
        assertTrue(table.out().contains("  alice  "), table.out());

        JsonObject bob = latchkey(env(), "bob-cli-password-1\n", "users", "create", "bob", "--name", "Bob", "--json")
                .json();
        String bobId = bob.getString("id");
        assertEquals("Bob", bob.getString("name"));
        assertEquals(
                5,
                latchkey(env(), "bob-other-password\n", "users", "create", "BOB")
                        .code());

        JsonObject first = login("bob", "bob-cli-password-1");
        login("bob", "bob-cli-password-1");
        String sid = sidOf(first.getString("access_token"));
        JsonArray sessions =
                latchkey("sessions", "list", bobId, "--json").json().getJsonArray("items");
        assertEquals(2, sessions.size());
        assertEquals(new JsonArray().add("demo-app"), sessions.getJsonObject(0).getJsonArray("client_ids"));
        assertEquals(
                sessions, latchkey("users", "sessions", bobId, "--json").json().getJsonArray("items"));

        assertEquals(
                new JsonObject().put("sid", sid).put("ended", true),
                latchkey("--json", "sessions", "end", sid).json());
        assertOneLineFailure(latchkey("sessions", "end", sid), 3);
        assertEquals(
                1,
                latchkey("sessions", "list", bobId, "--json")
                        .json()
                        .getJsonArray("items")
                        .size());

        assertEquals(
                0,
                latchkey(env(), "bob-new-password-2\n", "users", "set-password", bobId)
                        .code());
        assertEquals(
                0,
                latchkey("sessions", "list", bobId, "--json")
                        .json()
                        .getJsonArray("items")
                        .size());
        login("bob", "bob-new-password-2");
        Result disabled = latchkey("users", "disable", bobId);
        assertEquals("user " + bobId + " disabled; its sessions ended" + System.lineSeparator(), disabled.out());
        assertEquals(true, latchkey("users", "get", bobId, "--json").json().getBoolean("disabled"));
        assertOneLineFailure(latchkey("users", "get", "00000000-0000-4000-8000-000000000000"), 3);
    }

    @Test
    void clientsWhenRegisteredUpdatedRotatedAndDisabledThenEachCommandAnswers() {
        JsonArray clients =
                latchkey("clients", "list", "--all", "--json").json().getJsonArray("items");
        assertTrue(clients.stream()
                .anyMatch(c -> ((JsonObject) c).getString("client_id").equals("demo-app")));
        assertEquals(
                "none",
                latchkey("clients", "get", "demo-app", "--json").json().getString("token_endpoint_auth_method"));

        String registration = """
                {"client_id":"cli-made","grant_types":["client_credentials"],"scopes":["notes:read"],
                 "audience":"resource-demo"}""";
        JsonObject created = latchkey(env(), registration, "clients", "create", "--file", "-", "--json")
                .json();
        assertEquals("cli-made", created.getString("client_id"));
        assertTrue(created.getString("client_secret").length() >= 43);

        Result refused = latchkey(env(), "{\"grant_types\":\"x\"}", "clients", "update", "cli-made", "--file", "-");
        assertOneLineFailure(refused, 5);
        assertTrue(refused.err().contains("grant_types"), refused.err());
        JsonObject updated = latchkey(env(), """
                        {"grant_types":["client_credentials"],"scopes":["notes:read","notes:write"],
                         "audience":"resource-demo","client_name":"Made by the CLI"}""", "clients", "update", "cli-made", "--file", "-", "--json")
                .json();
        assertEquals("Made by the CLI", updated.getString("client_name"));
        JsonObject rotated =
                latchkey("clients", "rotate-secret", "cli-made", "--json").json();
        assertNotNull(rotated.getString("client_secret"));
        assertFalse(rotated.getString("client_secret").equals(created.getString("client_secret")));
        assertEquals(0, latchkey("clients", "disable", "cli-made").code());
        assertEquals(
                true, latchkey("clients", "get", "cli-made", "--json").json().getBoolean("disabled"));
        assertOneLineFailure(latchkey("clients", "get", "no-such-client"), 3);
    }

    @Test
    void keysAuditAndRevocationsWhenUsedThenRelayedAndFollowed() {
        JsonArray keys = latchkey("keys", "list", "--json").json().getJsonArray("items");
        assertTrue(
                keys.stream().anyMatch(k -> ((JsonObject) k).getString("state").equals("active")), keys::encode);
        JsonObject fresh = latchkey("keys", "rotate", "--json").json();
        assertEquals("published", fresh.getString("state"));
        Result table = latchkey("keys", "list");
        assertTrue(table.out().startsWith("KID "), table.out());
        assertTrue(table.out().contains(fresh.getString("kid")), table.out());
        JsonObject revoked =
                latchkey("keys", "revoke", fresh.getString("kid"), "--json").json();
        assertEquals("revoked", revoked.getString("state"));
        assertOneLineFailure(latchkey("keys", "revoke", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"), 3);

        JsonArray audit =
                latchkey("audit", "--all", "--limit", "200", "--json").json().getJsonArray("items");
        assertTrue(
                audit.stream().anyMatch(e -> ((JsonObject) e).getString("event").equals("admin_key_revoked")),
                audit::encode);
        JsonObject page = latchkey("audit", "--limit", "1", "--json").json();
        assertEquals(1, page.getJsonArray("items").size());
        long firstId = page.getJsonArray("items").getJsonObject(0).getLong("id");
        JsonObject after = latchkey("audit", "--after", Long.toString(firstId), "--limit", "1", "--json")
                .json();
        assertTrue(after.getJsonArray("items").getJsonObject(0).getLong("id") > firstId);

        // The feed wants a client with revocations:read: the dev stack's resource-demo.
        Map<String, String> feed = env();
        feed.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        feed.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
        Result tail = latchkey(feed, "", "revocations", "tail", "--count", "1", "--json");
        assertEquals(0, tail.code(), tail.err());
        JsonObject entry = new JsonObject(tail.out().strip());
        assertTrue(List.of("jti", "sid", "sub", "kid").contains(entry.getString("type")), entry::encode);
        Result kidTail = latchkey(
                feed, "", "revocations", "tail", "--from", Long.toString(entry.getLong("seq") - 1), "--count", "1");
        assertEquals(0, kidTail.code(), kidTail.err());
        assertTrue(kidTail.out().startsWith(entry.getLong("seq") + "  " + entry.getString("type")), kidTail.out());
        // admin-cli lacks revocations:read: the feed refuses it, and the CLI says which settings to use.
        Result refused = latchkey("revocations", "tail", "--count", "1");
        assertOneLineFailure(refused, 2);
        assertTrue(refused.err().contains("LATCHKEY_FEED_CLIENT_ID"), refused.err());
    }

    @Test
    void credentialsWhenWrongAndServerWhenUnreachableThenOneLineAndNonZeroExit() throws IOException {
        Map<String, String> wrong = env();
        wrong.put("LATCHKEY_ADMIN_CLIENT_SECRET", "not-the-admin-secret-0123456789abcdef");
        Result refused = latchkey(wrong, "", "users", "list", "--json");
        assertOneLineFailure(refused, 2);
        assertFalse(refused.err().contains("not-the-admin-secret"));
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Result unreachable = latchkey(env(), "", "--issuer", "http://127.0.0.1:" + closed, "keys", "list");
        assertOneLineFailure(unreachable, 4);
        assertTrue(unreachable.err().contains("cannot reach"), unreachable.err());
    }
}
