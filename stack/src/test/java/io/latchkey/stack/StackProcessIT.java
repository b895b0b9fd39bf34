package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's run command, as a user runs it: a separate JVM, stopped with SIGTERM, started again on its kept
 * data. An acknowledged logout survives that restart of auth-server and of PostgreSQL.
 */
class StackProcessIT {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration STOP = Duration.ofSeconds(40);

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    @Test
    void stackWhenStartedStoppedAndRestartedThenReadyLeavesNoPostgresAndKeepsItsData() throws Exception {
        int[] ports;
        String sid;
        try (StackProcess first = StackProcess.start(dir, null)) {
            Duration ready = first.awaitReady(READY);
            System.out.println("stack ready after " + ready.toMillis() + " ms (first start, includes initdb)");
            ports = first.ports();
            sid = logOutOnce(first);
            assertEquals(1, countRows(first.dbPort, "SELECT count(*) FROM flyway_schema_history WHERE version = '1'"));
            first.terminate(STOP);
        }
        List<String> survivors = StackProcess.processesMentioning(dir);
        assertTrue(survivors.isEmpty(), "processes left behind: " + survivors);

        Path kek = dir.resolve(".latchkey/kek");
        String kekBefore = Files.readString(kek);
        try (StackProcess second = StackProcess.start(dir, ports)) {
            Duration ready = second.awaitReady(READY);
            System.out.println("stack ready after " + ready.toMillis() + " ms (restart on kept data)");
            assertEquals(kekBefore, Files.readString(kek), "the KEK is kept across restarts");
            assertEquals(1, countRows(second.dbPort, "SELECT count(*) FROM flyway_schema_history WHERE version = '1'"));
            assertEquals(1, countRows(second.dbPort, "SELECT count(*) FROM users"), "the seed is not duplicated");
            assertEquals(5, countRows(second.dbPort, "SELECT count(*) FROM clients"), "the seed is not duplicated");
            assertTrue(
                    revocations(second).contains("\"value\":\"" + sid + "\""),
                    "the acknowledged logout survives a restart of auth-server and PostgreSQL");
            second.terminate(STOP);
        }
        assertTrue(StackProcess.processesMentioning(dir).isEmpty(), "processes left behind after restart");
    }

    /** Logs alice in and out; returns the ended session's id. */
    private static String logOutOnce(StackProcess stack) throws Exception {
        HttpResponse<String> token = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.authPort + "/oauth2/token"))
                        .header("Content-Type", "application/x-www-form-urlencoded")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "grant_type=password&client_id=demo-app&username=alice&password=alice-dev-password"))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, token.statusCode(), token.body());
        String access = new JsonObject(token.body()).getString("access_token");
        String sid = new JsonObject(
                        new String(Base64.getUrlDecoder().decode(access.split("\\.")[1]), StandardCharsets.UTF_8))
                .getString("sid");
        HttpResponse<String> logout = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.authPort + "/logout"))
                        .header("Authorization", "Bearer " + access)
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(204, logout.statusCode(), logout.body());
        return sid;
    }

    private static String revocations(StackProcess stack) throws Exception {
        String basic = Base64.getEncoder()
                .encodeToString(
                        "resource-demo:dev-resource-demo-secret-not-for-production".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> list = HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + stack.authPort + "/revocations"))
                        .header("Authorization", "Basic " + basic)
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, list.statusCode(), list.body());
        return list.body();
    }

    private static long countRows(int port, String sql) throws Exception {
        try (var c = DriverManager.getConnection(
                        "jdbc:postgresql://127.0.0.1:" + port + "/latchkey", "postgres", "postgres");
                var s = c.prepareStatement(sql);
                var rs = s.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
