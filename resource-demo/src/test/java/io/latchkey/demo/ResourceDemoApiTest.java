package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** resource-demo over real HTTP, verifying real RS256 tokens against a fake upstream. */
@ExtendWith(VertxExtension.class)
class ResourceDemoApiTest {
    private static final TestKeys KEY = TestKeys.rsa2048();

    private static FakeUpstream upstream;
    private static ResourceDemoVerticle demo;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, KEY);
        Await.result(vertx.deployVerticle(upstream));
        demo = new ResourceDemoVerticle(config(upstream));
        Await.result(vertx.deployVerticle(demo));
        client = WebClient.create(vertx);
        Await.untilEquals("ready", Duration.ofSeconds(10), 200, () -> Await.result(
                        client.get(demo.port(), "127.0.0.1", "/health/ready").send())
                .statusCode());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    static ResourceDemoConfig config(FakeUpstream upstream) {
        return ResourceDemoConfig.from(new Env(Map.of(
                "LATCHKEY_HOST",
                "127.0.0.1",
                "LATCHKEY_PORT",
                "0",
                "LATCHKEY_ISSUER",
                upstream.issuer(),
                "LATCHKEY_FEED_CLIENT_ID",
                FakeUpstream.FEED_CLIENT_ID,
                "LATCHKEY_FEED_CLIENT_SECRET",
                FakeUpstream.FEED_CLIENT_SECRET)));
    }

    private static TestTokens token(String scope) {
        return TestTokens.valid(KEY, upstream.issuer()).scope(scope);
    }

    private static HttpRequest<Buffer> request(io.vertx.core.http.HttpMethod method, String path, String token) {
        return client.request(method, demo.port(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + token);
    }

    private static HttpResponse<Buffer> get(String path, String token) {
        return Await.result(
                request(io.vertx.core.http.HttpMethod.GET, path, token).send());
    }

    private static HttpResponse<Buffer> post(String token, String body) {
        return Await.result(request(io.vertx.core.http.HttpMethod.POST, "/api/notes", token)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(Buffer.buffer(body)));
    }

    private static JsonObject error(String error, String description) {
        return new JsonObject().put("error", error).put("error_description", description);
    }

    @Test
    void meWhenTokenValidThenSubjectClientScopeAndExp() {
        TestTokens builder = token("notes:read");
        HttpResponse<Buffer> response = get("/api/me", builder.sign());
        assertEquals(200, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("sub", builder.subject())
                        .put("client_id", "demo-app")
                        .put("scope", "notes:read")
                        .put("exp", builder.exp()),
                response.bodyAsJsonObject());
    }

    @Test
    void meWhenNoTokenThen401() {
        HttpResponse<Buffer> response =
                Await.result(client.get(demo.port(), "127.0.0.1", "/api/me").send());
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"resource-demo\"", response.getHeader("WWW-Authenticate"));
    }

    @Test
    void notesWhenWrittenThenListedForTheirOwnerOnly() {
        TestTokens alice = token("notes:read notes:write");
        HttpResponse<Buffer> created = post(alice.sign(), "{\"text\":\"buy milk\"}");
        assertEquals(201, created.statusCode());
        JsonObject note = created.bodyAsJsonObject();
        assertEquals("buy milk", note.getString("text"));

        HttpResponse<Buffer> listed = get("/api/notes", alice.sign());
        assertEquals(200, listed.statusCode());
        assertEquals(new JsonObject().put("notes", new JsonArray().add(note)), listed.bodyAsJsonObject());

        HttpResponse<Buffer> other = get("/api/notes", token("notes:read").sign());
        assertEquals(new JsonObject().put("notes", new JsonArray()), other.bodyAsJsonObject());
    }

    @Test
    void listNotesWhenScopeMissingThen403() {
        HttpResponse<Buffer> response = get("/api/notes", token("notes:write").sign());
        assertEquals(403, response.statusCode());
        assertEquals(
                error("insufficient_scope", "the access token lacks scope notes:read"), response.bodyAsJsonObject());
    }

    @Test
    void addNoteWhenOnlyReadScopeThen403AndNothingStored() {
        TestTokens reader = token("notes:read");
        HttpResponse<Buffer> response = post(reader.sign(), "{\"text\":\"hello\"}");
        assertEquals(403, response.statusCode());
        assertEquals(
                "Bearer realm=\"resource-demo\", error=\"insufficient_scope\", "
                        + "error_description=\"the access token lacks scope notes:write\", scope=\"notes:write\"",
                response.getHeader("WWW-Authenticate"));
        assertEquals(
                new JsonObject().put("notes", new JsonArray()),
                get("/api/notes", reader.sign()).bodyAsJsonObject());
    }

    @Test
    void addNoteWhenBodyNotJsonThen400() {
        HttpResponse<Buffer> response = post(token("notes:write").sign(), "text=hello");
        assertEquals(400, response.statusCode());
        assertEquals(error("invalid_request", "the body must be a JSON object"), response.bodyAsJsonObject());
    }

    @Test
    void addNoteWhenTextMissingOrTooLongThen400() {
        JsonObject expected = error("invalid_request", "text must be a string of 1 to 1000 characters");
        for (String body : new String[] {
            "{}",
            "{\"text\":42}",
            "{\"text\":\"  \"}",
            new JsonObject().put("text", "x".repeat(1001)).encode()
        }) {
            HttpResponse<Buffer> response = post(token("notes:write").sign(), body);
            assertEquals(400, response.statusCode(), body);
            assertEquals(expected, response.bodyAsJsonObject(), body);
        }
    }

    @Test
    void addNoteWhenBodyOver16KiBThen413() {
        HttpResponse<Buffer> response = post(
                token("notes:write").sign(),
                new JsonObject().put("text", "x".repeat(20_000)).encode());
        assertEquals(413, response.statusCode());
        assertEquals(error("invalid_request", "the request body is too large"), response.bodyAsJsonObject());
    }

    @Test
    void addNoteWhenUserAtLimitThen400() {
        TestTokens writer = token("notes:read notes:write");
        for (int i = 0; i < 100; i++) {
            assertEquals(
                    201, post(writer.sign(), "{\"text\":\"note " + i + "\"}").statusCode());
        }
        HttpResponse<Buffer> response = post(writer.sign(), "{\"text\":\"one too many\"}");
        assertEquals(400, response.statusCode());
        assertEquals(error("invalid_request", "at most 100 notes per user"), response.bodyAsJsonObject());
    }

    @Test
    void metricsWhenTokensCheckedThenCountedInPrometheusText() {
        String token = token("notes:read").sign();
        get("/api/me", token);
        get("/api/me", token);
        get("/api/me", "not-a-token");
        HttpResponse<Buffer> response = Await.result(
                client.get(demo.managementPort(), "127.0.0.1", "/metrics").send());
        assertEquals(200, response.statusCode());
        String text = response.bodyAsString();
        org.junit.jupiter.api.Assertions.assertTrue(text.contains("latchkey_verifier_ready 1\n"), text);
        org.junit.jupiter.api.Assertions.assertTrue(
                text.matches("(?s).*latchkey_verifier_tokens_total\\{outcome=\"cached\"\\} [1-9].*"), text);
        org.junit.jupiter.api.Assertions.assertTrue(
                text.matches(
                        "(?s).*latchkey_verifier_tokens_total\\{outcome=\"rejected\",reason=\"malformed\"\\} [1-9].*"),
                text);
    }
}
