package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class FeedAccessTest {
    private static final List<String> ENDPOINTS = List.of("/revocations", "/revocations/stream");
    private static final JsonObject INVALID_CLIENT =
            new JsonObject().put("error", "invalid_client").put("error_description", "client authentication failed");

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static TestAuthServer server;
    private static WebClient web;
    private static TestClients reader;
    private static TestClients oddReader;
    private static TestClients withoutScope;
    private static TestClients disabled;
    private static TestClients publicClient;

    @BeforeAll
    static void start(Vertx vertx) {
        Pool pool = db.pool(vertx);
        server = TestAuthServer.start(vertx, TestAuthServer.feedEnv(db));
        web = WebClient.create(vertx);
        reader = TestClients.revocationReader("feed-reader").insert(pool);
        oddReader = TestClients.revocationReader("odd.reader_1")
                .secret("a secret: with %, + and spaces, long enough")
                .insert(pool);
        withoutScope =
                TestClients.revocationReader("no-scope").scopes("notes:read").insert(pool);
        disabled = TestClients.revocationReader("disabled-reader").disabled().insert(pool);
        publicClient = TestClients.publicClient("public-reader")
                .scopes(FeedAccess.SCOPE)
                .insert(pool);
        Await.result(pool.close());
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void feedWhenNoCredentialsThenUnauthorizedWithBasicChallenge() {
        for (String endpoint : ENDPOINTS) {
            assertUnauthorized(send(web.get(server.port(), "127.0.0.1", endpoint)), endpoint);
        }
    }

    @Test
    void feedWhenSecretIsWrongThenUnauthorized() {
        for (String endpoint : ENDPOINTS) {
            assertUnauthorized(get(endpoint, TestAuthServer.basic("feed-reader", "wrong-secret")), endpoint);
        }
    }

    @Test
    void feedWhenClientUnknownDisabledOrPublicThenUnauthorized() {
        for (String endpoint : ENDPOINTS) {
            assertUnauthorized(get(endpoint, TestAuthServer.basic("nobody", "whatever")), endpoint);
            assertUnauthorized(get(endpoint, disabled.basic()), endpoint);
            assertUnauthorized(get(endpoint, publicClient.basic()), endpoint);
            assertUnauthorized(get(endpoint, TestAuthServer.basic("public-reader", "")), endpoint);
        }
    }

    @Test
    void feedWhenAuthorizationMalformedThenUnauthorized() {
        String noColon = Base64.getEncoder().encodeToString("feed-reader".getBytes(StandardCharsets.UTF_8));
        for (String header : List.of("Basic", "Basic !!!", "Basic " + noColon, "Bearer abc", "Basic JUdH")) {
            assertUnauthorized(get("/revocations", header), header);
        }
    }

    @Test
    void feedWhenClientLacksRevocationsReadThenForbidden() {
        for (String endpoint : ENDPOINTS) {
            HttpResponse<Buffer> response = get(endpoint, withoutScope.basic());

            assertEquals(403, response.statusCode(), endpoint);
            assertEquals(
                    new JsonObject()
                            .put("error", "insufficient_scope")
                            .put("error_description", "the client is not allowed revocations:read"),
                    response.bodyAsJsonObject());
        }
    }

    @Test
    void listWhenCredentialsFormUrlEncodedThenAllowed() {
        assertEquals(200, get("/revocations", oddReader.basic()).statusCode());
        assertEquals(
                200, get("/revocations", "basic " + reader.basic().substring(6)).statusCode());
    }

    private static void assertUnauthorized(HttpResponse<Buffer> response, String what) {
        assertEquals(401, response.statusCode(), what);
        assertEquals("Basic realm=\"latchkey\", charset=\"UTF-8\"", response.getHeader("WWW-Authenticate"), what);
        assertEquals("no-store", response.getHeader("Cache-Control"), what);
        assertEquals(INVALID_CLIENT, response.bodyAsJsonObject(), what);
    }

    private static HttpResponse<Buffer> get(String uri, String authorization) {
        return send(web.get(server.port(), "127.0.0.1", uri).putHeader("Authorization", authorization));
    }

    private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
        return Await.result(request.send());
    }
}
