package io.latchkey.auth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CORS over real HTTP against real PostgreSQL and key-service signatures: the token and revocation endpoints
 * answer preflights for an origin any enabled client lists and make an answer readable only for an origin the
 * authenticating client lists; metadata is readable from anywhere; no other route sends a CORS header; a hostile
 * {@code Origin} matches nothing and breaks nothing.
 */
class CorsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";
    static final String SPA = "https://spa.example";
    static final String OTHER = "https://other.example";
    static final String GONE = "https://gone.example";
    static final String EVIL = "https://evil.example";
    /** Listed by a client, yet never a match: longer than any real origin. */
    static final String LONG = "https://" + "a".repeat(400) + ".example";
    /** Listed by a client, yet never a match: a tab (the HTTP parser refuses other control characters itself). */
    static final String TAB = "https://odd\t.example";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static TestAuthServer auth;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        auth = stack.auth();
        pool = db.pool(vertx);
        TestClients.publicClient("spa").insert(pool);
        allowOrigins("spa", SPA);
        TestClients.publicClient("other-spa").insert(pool);
        allowOrigins("other-spa", OTHER);
        TestClients.publicClient("gone").disabled().insert(pool);
        allowOrigins("gone", GONE);
        TestClients.publicClient("odd").insert(pool);
        allowOrigins("odd", "null", LONG, "*", TAB);
        // Even a client that lists the origin gets no CORS header on the admin API.
        allowOrigins("admin-cli", SPA);
        TestUsers.insert(pool, "ann", "ann-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    /** As the admin API will: straight into the row, until it accepts the field. */
    static void allowOrigins(String clientId, String... origins) {
        Await.result(pool.preparedQuery("UPDATE clients SET allowed_cors_origins = $2 WHERE client_id = $1")
                .execute(Tuple.tuple().addString(clientId).addArrayOfString(origins)));
    }

    @Test
    void preflightWhenOriginListedByAClientThenAllowedForPostWithTokenHeaders() {
        for (String path : List.of("/oauth2/token", "/oauth2/revoke")) {
            for (String origin : List.of(SPA, OTHER)) {
                HttpResponse<Buffer> response = preflight(path, origin);

                assertEquals(204, response.statusCode(), path);
                assertEquals(origin, response.getHeader("Access-Control-Allow-Origin"));
                assertEquals("POST", response.getHeader("Access-Control-Allow-Methods"));
                assertEquals("Authorization, Content-Type, DPoP", response.getHeader("Access-Control-Allow-Headers"));
                assertEquals("600", response.getHeader("Access-Control-Max-Age"));
                assertEquals("Origin", response.getHeader("Vary"));
                assertNull(response.getHeader("Access-Control-Allow-Credentials"));
                assertNull(response.body());
            }
        }
    }

    @Test
    void preflightWhenOriginUnlistedOrOnlyADisabledClientsThenNoAllowHeaders() {
        for (String path : List.of("/oauth2/token", "/oauth2/revoke")) {
            for (String origin : List.of(EVIL, GONE, SPA + "/", "https://SPA.example", "http://spa.example")) {
                HttpResponse<Buffer> response = preflight(path, origin);

                assertEquals(204, response.statusCode(), origin);
                assertNoCorsHeaders(response);
                assertEquals("Origin", response.getHeader("Vary"));
            }
        }
    }

    @Test
    void optionsWhenNotAPreflightThenAllowHeaderOnly() {
        HttpResponse<Buffer> response =
                send(request(HttpMethod.OPTIONS, "/oauth2/token").putHeader("Origin", SPA), null);

        assertEquals(204, response.statusCode());
        assertEquals("OPTIONS, POST", response.getHeader("Allow"));
        assertNoCorsHeaders(response);
    }

    @Test
    void tokenWhenOriginListedByTheAuthenticatingClientThenAnswerReadable() {
        HttpResponse<Buffer> response = token(SPA, "spa", "ann-password-1");

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertAllowed(response, SPA);
        assertTrue(response.bodyAsJsonObject().containsKey("access_token"));
    }

    @Test
    void tokenWhenOriginListedOnlyByAnotherClientThenIssuedButNotReadable() {
        HttpResponse<Buffer> response = token(OTHER, "spa", "ann-password-1");

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertNoCorsHeaders(response);
    }

    @Test
    void tokenWhenGrantFailsAfterAuthenticationThenErrorReadable() {
        HttpResponse<Buffer> response = token(SPA, "spa", "not-anns-password");

        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_grant")
                        .put("error_description", "The username or password is incorrect"),
                response.bodyAsJsonObject());
        assertAllowed(response, SPA);

        HttpResponse<Buffer> unauthorized =
                send(form("/oauth2/token", SPA), "grant_type=client_credentials&client_id=spa");
        assertEquals("unauthorized_client", unauthorized.bodyAsJsonObject().getString("error"));
        assertAllowed(unauthorized, SPA);
    }

    @Test
    void tokenWhenClientFailsToAuthenticateThenErrorNotReadable() {
        HttpResponse<Buffer> response =
                send(form("/oauth2/token", SPA), "grant_type=password&client_id=nobody&username=ann&password=x");

        assertEquals(401, response.statusCode());
        assertEquals("invalid_client", response.bodyAsJsonObject().getString("error"));
        assertNoCorsHeaders(response);
    }

    @Test
    void revokeWhenOriginListedByTheAuthenticatingClientThenReadable() {
        String refreshToken =
                token(null, "spa", "ann-password-1").bodyAsJsonObject().getString("refresh_token");

        HttpResponse<Buffer> response = send(form("/oauth2/revoke", SPA), "client_id=spa&token=" + refreshToken);

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertAllowed(response, SPA);
    }

    @Test
    void revokeWhenOriginListedOnlyByAnotherClientThenNotReadable() {
        HttpResponse<Buffer> response = send(form("/oauth2/revoke", OTHER), "client_id=spa&token=whatever");

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertNoCorsHeaders(response);
    }

    @Test
    void metadataWhenAskedFromAnyOriginThenReadableByAll() {
        for (HttpMethod method : List.of(HttpMethod.GET, HttpMethod.HEAD)) {
            HttpResponse<Buffer> response = send(
                    request(method, "/.well-known/oauth-authorization-server").putHeader("Origin", EVIL), null);

            assertEquals(200, response.statusCode());
            assertEquals("*", response.getHeader("Access-Control-Allow-Origin"));
            assertNull(response.getHeader("Access-Control-Allow-Credentials"));
        }
        assertEquals(
                "*",
                send(request(HttpMethod.GET, "/.well-known/openid-configuration"), null)
                        .getHeader("Access-Control-Allow-Origin"));

        HttpResponse<Buffer> preflight = preflight("/.well-known/oauth-authorization-server", EVIL);
        assertEquals(204, preflight.statusCode());
        assertEquals("*", preflight.getHeader("Access-Control-Allow-Origin"));
        assertEquals("GET, HEAD", preflight.getHeader("Access-Control-Allow-Methods"));
        assertEquals("600", preflight.getHeader("Access-Control-Max-Age"));
    }

    @Test
    void otherRoutesWhenOriginListedThenNoCorsHeaders() {
        String adminToken = send(
                        form("/oauth2/token", SPA)
                                .putHeader("Authorization", TestAuthServer.basic("admin-cli", ADMIN_SECRET)),
                        "grant_type=client_credentials")
                .bodyAsJsonObject()
                .getString("access_token");
        HttpResponse<Buffer> created = Await.result(request(HttpMethod.POST, "/admin/users")
                .putHeader("Origin", SPA)
                .putHeader("Authorization", "Bearer " + adminToken)
                .putHeader("Content-Type", "application/json")
                .sendBuffer(new JsonObject()
                        .put("username", "bob")
                        .put("password", "bob-password-long-enough")
                        .toBuffer()));
        assertEquals(201, created.statusCode(), created.bodyAsString());
        assertNoCorsHeaders(created);

        List<HttpResponse<Buffer>> others = new ArrayList<>();
        others.add(send(request(HttpMethod.POST, "/logout").putHeader("Origin", SPA), null));
        others.add(send(request(HttpMethod.GET, "/revocations").putHeader("Origin", SPA), null));
        others.add(send(request(HttpMethod.GET, "/health/live").putHeader("Origin", SPA), null));
        others.add(send(form("/oauth2/introspect", SPA), "client_id=spa&token=x"));
        for (String path : List.of("/admin/users", "/logout", "/revocations", "/oauth2/introspect", "/nowhere")) {
            others.add(preflight(path, SPA));
        }
        for (HttpResponse<Buffer> response : others) {
            assertTrue(response.statusCode() < 500, response.bodyAsString());
            assertNoCorsHeaders(response);
        }
    }

    @Test
    void originWhenHostileThenMatchesNothingAndFailsNothing() {
        List<HttpResponse<Buffer>> answers = new ArrayList<>();
        for (String path : List.of("/oauth2/token", "/oauth2/revoke")) {
            answers.add(preflight(path, "null"));
            answers.add(preflight(path, LONG));
            answers.add(preflight(path, "*"));
            answers.add(preflight(path, "https://" + "b".repeat(6000) + ".example"));
            answers.add(send(
                    request(HttpMethod.OPTIONS, path)
                            .putHeader("Origin", List.of(SPA, SPA))
                            .putHeader("Access-Control-Request-Method", "POST"),
                    null));
            answers.add(send(
                    request(HttpMethod.OPTIONS, path)
                            .putHeader("Origin", SPA + ", " + OTHER)
                            .putHeader("Access-Control-Request-Method", "POST"),
                    null));
        }
        answers.add(token("null", "odd", "ann-password-1"));
        answers.add(token(LONG, "odd", "ann-password-1"));
        answers.add(send(
                request(HttpMethod.POST, "/oauth2/token")
                        .putHeader("Content-Type", "application/x-www-form-urlencoded")
                        .putHeader("Origin", List.of(SPA, SPA)),
                "grant_type=password&client_id=spa&username=ann&password=ann-password-1"));
        for (HttpResponse<Buffer> response : answers) {
            assertTrue(response.statusCode() < 500, response.statusCode() + " " + response.bodyAsString());
            assertNoCorsHeaders(response);
        }
    }

    @Test
    void originWhenItCarriesControlCharactersThenMatchesNothingAndFailsNothing() throws IOException {
        for (String origin : List.of(TAB, "https://spa\u0001.example", "https://spa.example\u007f")) {
            List<String> head = rawPreflight(origin);

            assertTrue(head.get(0).matches("HTTP/1\\.1 [1-4]\\d\\d .*"), head.get(0));
            assertTrue(
                    head.stream().noneMatch(line -> line.toLowerCase().startsWith("access-control-")), head.toString());
        }
    }

    private static HttpResponse<Buffer> token(String origin, String clientId, String password) {
        return send(
                form("/oauth2/token", origin),
                "grant_type=password&client_id=" + clientId + "&username=ann&password=" + password);
    }

    private static HttpResponse<Buffer> preflight(String path, String origin) {
        return send(
                request(HttpMethod.OPTIONS, path)
                        .putHeader("Origin", origin)
                        .putHeader("Access-Control-Request-Method", "POST")
                        .putHeader("Access-Control-Request-Headers", "content-type,dpop"),
                null);
    }

    private static HttpRequest<Buffer> form(String path, String origin) {
        HttpRequest<Buffer> request =
                request(HttpMethod.POST, path).putHeader("Content-Type", "application/x-www-form-urlencoded");
        return origin == null ? request : request.putHeader("Origin", origin);
    }

    private static HttpRequest<Buffer> request(HttpMethod method, String path) {
        return auth.client().request(method, path);
    }

    private static HttpResponse<Buffer> send(HttpRequest<Buffer> request, String body) {
        return Await.result(body == null ? request.send() : request.sendBuffer(Buffer.buffer(body)));
    }

    /** The status line and headers of a preflight sent byte for byte, since an HTTP client refuses such values. */
    private static List<String> rawPreflight(String origin) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", auth.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("OPTIONS /oauth2/token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" + "Origin: "
                            + origin + "\r\nAccess-Control-Request-Method: POST\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            BufferedReader in =
                    new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
            List<String> head = new ArrayList<>();
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                head.add(line);
            }
            return head;
        }
    }

    private static void assertAllowed(HttpResponse<Buffer> response, String origin) {
        assertEquals(origin, response.getHeader("Access-Control-Allow-Origin"));
        assertEquals("Origin", response.getHeader("Vary"));
        assertEquals("WWW-Authenticate, DPoP-Nonce, Retry-After", response.getHeader("Access-Control-Expose-Headers"));
        assertNull(response.getHeader("Access-Control-Allow-Credentials"));
    }

    private static void assertNoCorsHeaders(HttpResponse<Buffer> response) {
        MultiMap headers = response.headers();
        assertTrue(
                headers.names().stream().noneMatch(name -> name.toLowerCase().startsWith("access-control-")),
                headers.toString());
    }
}
