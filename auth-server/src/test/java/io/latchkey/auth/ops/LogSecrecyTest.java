package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.logging.JsonLineEncoder;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * Everything auth-server and key-service log through a whole working day, captured as the JSON lines production
 * writes ({@code LATCHKEY_LOG_FORMAT=json}): admin creates a user and a client, the user logs in (once with a wrong
 * password), refreshes, logs out, and admin changes the password and rotates the client's secret. No password,
 * client secret, refresh token, access token or KEK appears in any line.
 */
class LogSecrecyTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ADMIN_SECRET = "admin-cli-secret-for-log-secrecy-0123456789";
    static final String PASSWORD = "carol-first-password-1";
    static final String WRONG_PASSWORD = "carol-wrong-password-9";
    static final String NEW_PASSWORD = "carol-second-password-2";

    static Vertx vertx;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(vertx.close());
    }

    @Test
    void logsWhenLoginRefreshLogoutAndAdminFlowRunThenNoSecretOrTokenAppearsInAnyJsonLine() {
        List<String> secrets = new ArrayList<>(List.of(ADMIN_SECRET, PASSWORD, WRONG_PASSWORD, NEW_PASSWORD));
        secrets.add(stack.kek());
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        OutputStreamAppender<ILoggingEvent> json = jsonAppender(captured);
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.addAppender(json);
        try {
            String admin = token("admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
            secrets.add(admin);
            HttpResponse<Buffer> user = postJson(
                    "/admin/users",
                    admin,
                    new JsonObject().put("username", "carol").put("password", PASSWORD));
            assertEquals(201, user.statusCode());
            String userId = user.bodyAsJsonObject().getString("id");
            HttpResponse<Buffer> client = postJson("/admin/clients", admin, new JsonObject("""
                    {"client_id":"notes-web","grant_types":["password","refresh_token"],"scopes":["notes:read"],
                     "audience":"resource-demo"}"""));
            assertEquals(201, client.statusCode());
            String clientSecret = client.bodyAsJsonObject().getString("client_secret");
            secrets.add(clientSecret);

            HttpResponse<Buffer> wrong =
                    stack.auth().postForm("/oauth2/token", "notes-web", clientSecret, login(WRONG_PASSWORD));
            assertEquals(400, wrong.statusCode());
            JsonObject login = stack.auth()
                    .postForm("/oauth2/token", "notes-web", clientSecret, login(PASSWORD))
                    .bodyAsJsonObject();
            secrets.add(login.getString("access_token"));
            secrets.add(login.getString("refresh_token"));
            JsonObject refreshed = stack.auth()
                    .postForm(
                            "/oauth2/token",
                            "notes-web",
                            clientSecret,
                            "grant_type=refresh_token&refresh_token=" + login.getString("refresh_token"))
                    .bodyAsJsonObject();
            secrets.add(refreshed.getString("access_token"));
            secrets.add(refreshed.getString("refresh_token"));
            HttpResponse<Buffer> logout = Await.result(stack.auth()
                    .client()
                    .request(HttpMethod.POST, "/logout")
                    .putHeader("Authorization", "Bearer " + refreshed.getString("access_token"))
                    .send());
            assertEquals(204, logout.statusCode());
            assertEquals(
                    204,
                    postJson(
                                    "/admin/users/" + userId + "/password",
                                    admin,
                                    new JsonObject().put("password", NEW_PASSWORD))
                            .statusCode());
            HttpResponse<Buffer> rotated = postJson("/admin/clients/notes-web/secret", admin, null);
            assertEquals(200, rotated.statusCode());
            secrets.add(rotated.bodyAsJsonObject().getString("client_secret"));
        } finally {
            root.detachAppender(json);
            json.stop();
        }

        List<String> lines = captured.toString(StandardCharsets.UTF_8).lines().toList();
        assertTrue(lines.size() >= 5, "the flow was logged: " + lines.size() + " lines");
        for (String line : lines) {
            JsonObject event = new JsonObject(line); // one JSON object per line
            assertTrue(event.containsKey("formattedMessage") || event.containsKey("throwable"), line);
            for (String secret : secrets) {
                assertFalse(line.contains(secret), "a secret or token appears in the log: " + event);
                assertFalse(
                        line.contains(URLEncoder.encode(secret, StandardCharsets.UTF_8)),
                        "an encoded secret appears in the log: " + event);
            }
        }
        assertTrue(lines.stream().anyMatch(l -> l.contains("login failed")), "the failed login is logged, safely");
        assertTrue(lines.stream().anyMatch(l -> l.contains("token issued")), "token issues are logged, safely");
    }

    private static OutputStreamAppender<ILoggingEvent> jsonAppender(ByteArrayOutputStream out) {
        LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
        // The encoder as latchkey-logback.xml configures it for LATCHKEY_LOG_FORMAT=json.
        JsonLineEncoder encoder = new JsonLineEncoder();
        encoder.setContext(context);
        encoder.setWithSequenceNumber(false);
        encoder.setWithNanoseconds(false);
        encoder.setWithContext(false);
        encoder.setWithMessage(false);
        encoder.setWithArguments(false);
        encoder.setWithFormattedMessage(true);
        encoder.start();
        OutputStreamAppender<ILoggingEvent> appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setName("json-capture");
        appender.setEncoder(encoder);
        appender.setOutputStream(out);
        appender.start();
        return appender;
    }

    private static String login(String password) {
        return "grant_type=password&username=carol&password=" + password;
    }

    private static String token(String id, String secret, String form) {
        HttpResponse<Buffer> response = stack.auth().postForm("/oauth2/token", id, secret, form);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    private static HttpResponse<Buffer> postJson(String path, String token, JsonObject body) {
        var request =
                stack.auth().client().request(HttpMethod.POST, path).putHeader("Authorization", "Bearer " + token);
        if (body == null) {
            return Await.result(request.send());
        }
        return Await.result(
                request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer()));
    }
}
