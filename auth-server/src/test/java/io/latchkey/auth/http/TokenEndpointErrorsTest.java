package io.latchkey.auth.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every malformed or unauthorised token request gets its RFC 6749 §5.2 error, and nothing changes. */
class TokenEndpointErrorsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestAuthServer server;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        server = TestAuthServer.start(vertx, TestAuthServer.env(db));
        pool = db.pool(vertx);
        TestClients.confidential("svc")
                .grants("client_credentials")
                .scopes("notes:read")
                .insert(pool);
        TestClients.publicClient("app").insert(pool);
    }

    @AfterAll
    static void stop() {
        server.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @AfterEach
    void nothingChanged() {
        long rows = Await.result(
                        pool.query("SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM audit_events)"
                                        + " + (SELECT count(*) FROM revocations) AS n")
                                .execute())
                .iterator()
                .next()
                .getLong("n");
        assertEquals(0, rows);
    }

    private static void assertError(HttpResponse<Buffer> response, int status, String error, String description) {
        assertEquals(status, response.statusCode());
        assertEquals(
                new JsonObject().put("error", error).put("error_description", description),
                response.bodyAsJsonObject());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertEquals("no-cache", response.getHeader("Pragma"));
    }

    @Test
    void tokenWhenGrantTypeMissingThenInvalidRequest() {
        assertError(
                server.token("svc", "scope=notes%3Aread"),
                400,
                "invalid_request",
                "The parameter grant_type is required");
    }

    @Test
    void tokenWhenGrantTypeUnknownThenUnsupportedGrantType() {
        assertError(
                server.token("svc", "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer"),
                400,
                "unsupported_grant_type",
                "The grant type is not supported");
    }

    @Test
    void tokenWhenBasicSecretWrongThenInvalidClientWithChallenge() {
        var response = server.postForm("/oauth2/token", "svc", "wrong-secret", "grant_type=client_credentials");
        assertError(response, 401, "invalid_client", "Client authentication failed");
        assertEquals("Basic realm=\"latchkey\", charset=\"UTF-8\"", response.getHeader("WWW-Authenticate"));
    }

    @Test
    void tokenWhenUnknownClientPostsSecretThenSameInvalidClient() {
        assertError(
                server.postForm(
                        "/oauth2/token", null, null, "grant_type=client_credentials&client_id=nobody&client_secret=x"),
                401,
                "invalid_client",
                "Client authentication failed");
    }

    @Test
    void tokenWhenNoClientAuthenticationThenInvalidClient() {
        assertError(
                server.postForm("/oauth2/token", null, null, "grant_type=client_credentials"),
                401,
                "invalid_client",
                "Client authentication failed");
    }

    @Test
    void tokenWhenConfidentialClientOmitsSecretThenInvalidClient() {
        assertError(
                server.postForm("/oauth2/token", null, null, "grant_type=client_credentials&client_id=svc"),
                401,
                "invalid_client",
                "Client authentication failed");
    }

    @Test
    void tokenWhenBasicAndPostedSecretThenInvalidRequest() {
        assertError(
                server.token("svc", "grant_type=client_credentials&client_secret=" + TestClients.secretOf("svc")),
                400,
                "invalid_request",
                "Use one client authentication method, not several");
    }

    @Test
    void tokenWhenBasicAndDifferentClientIdThenInvalidRequest() {
        assertError(
                server.token("svc", "grant_type=client_credentials&client_id=app"),
                400,
                "invalid_request",
                "client_id does not match the Basic credentials");
    }

    @Test
    void tokenWhenBasicAndEqualClientIdThenAuthenticated() {
        // invalid_scope proves authentication passed; no signature is needed to see it.
        assertError(
                server.token("svc", "grant_type=client_credentials&client_id=svc&scope=admin"),
                400,
                "invalid_scope",
                "The requested scope exceeds what is allowed");
    }

    @Test
    void tokenWhenBasicCredentialsFormEncodedThenDecodedBeforeComparison() {
        TestClients.confidential("enc.svc").insert(pool);
        String secret = TestClients.secretOf("enc.svc");
        // RFC 6749 §2.3.1: id and secret are form-url-encoded before base64.
        String encodedSecret = secret.replace("-", "%2D");
        var response = server.postForm(
                "/oauth2/token", "enc%2Esvc", encodedSecret, "grant_type=client_credentials&scope=admin");
        assertError(response, 400, "invalid_scope", "The requested scope exceeds what is allowed");
    }

    @Test
    void tokenWhenPublicClientSendsBasicWithEmptyPasswordThenAuthenticatedAsPublic() {
        // As Go's x/oauth2 does with AuthStyleInHeader: authenticated, so the grant itself answers.
        assertError(
                server.postForm("/oauth2/token", "app", "", "grant_type=client_credentials"),
                400,
                "unauthorized_client",
                "The client is not allowed to use this grant type");
    }

    @Test
    void tokenWhenConfidentialClientSendsBasicWithEmptyPasswordThenInvalidClient() {
        var response = server.postForm("/oauth2/token", "svc", "", "grant_type=client_credentials");
        assertError(response, 401, "invalid_client", "Client authentication failed");
        assertEquals("Basic realm=\"latchkey\", charset=\"UTF-8\"", response.getHeader("WWW-Authenticate"));
    }

    @Test
    void tokenWhenPublicClientAsksClientCredentialsThenUnauthorizedClient() {
        assertError(
                server.postForm("/oauth2/token", null, null, "grant_type=client_credentials&client_id=app"),
                400,
                "unauthorized_client",
                "The client is not allowed to use this grant type");
    }

    @Test
    void tokenWhenClientNotAllowedPasswordGrantThenUnauthorizedClient() {
        assertError(
                server.token("svc", "grant_type=password&username=a&password=b"),
                400,
                "unauthorized_client",
                "The client is not allowed to use this grant type");
    }

    @Test
    void tokenWhenParameterRepeatedThenInvalidRequest() {
        assertError(
                server.token("svc", "grant_type=client_credentials&scope=a&scope=b"),
                400,
                "invalid_request",
                "The parameter scope is repeated");
    }

    @Test
    void tokenWhenAuthorizationHeaderRepeatedThenInvalidRequest() {
        var request = server.client()
                .request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        request.headers()
                .add("Authorization", TestAuthServer.basic("svc", TestClients.secretOf("svc")))
                .add("Authorization", TestAuthServer.basic("app", ""));
        var response = Await.result(request.sendBuffer(Buffer.buffer("grant_type=client_credentials")));
        assertError(response, 400, "invalid_request", "Authorization must appear at most once");
    }

    @Test
    void tokenWhenContentTypeIsJsonThenInvalidRequest() {
        var response = Await.result(server.client()
                .request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/json")
                .putHeader("Authorization", TestAuthServer.basic("svc", TestClients.secretOf("svc")))
                .sendBuffer(Buffer.buffer("{\"grant_type\":\"client_credentials\"}")));
        assertError(response, 400, "invalid_request", "The content type must be application/x-www-form-urlencoded");
    }

    @Test
    void tokenWhenPercentEncodingMalformedThenInvalidRequest() {
        assertError(
                server.token("svc", "grant_type=client_credentials&scope=%G1"),
                400,
                "invalid_request",
                "The request has a malformed percent-encoding");
    }

    @Test
    void tokenWhenBodyNotUtf8ThenInvalidRequest() {
        assertError(
                server.token("svc", "grant_type=client_credentials&scope=%C3%28"),
                400,
                "invalid_request",
                "The request is not valid UTF-8");
    }

    @Test
    void tokenWhenBodyOver64KibThenPayloadTooLarge() {
        String body = "grant_type=client_credentials&pad=" + "a".repeat(64 * 1024);
        assertError(server.token("svc", body), 413, "invalid_request", "The request body is larger than 64 KiB");
    }

    @Test
    void tokenWhenChunkedBodyOver64KibThenPayloadTooLarge() {
        var response = Await.result(server.client()
                .request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .putHeader("Transfer-Encoding", "chunked")
                .sendBuffer(Buffer.buffer("pad=" + "a".repeat(70 * 1024))));
        assertEquals(413, response.statusCode());
    }

    @Test
    void tokenWhenClientExpectsContinueThenToldToSendTheBodyAndAnswered() throws IOException {
        // Answered from the body's content: this grant type is the one error that needs the body read.
        String body = "grant_type=device_code";
        try (Socket socket = rawConnection()) {
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
            out.write(tokenRequestHead(body.length()) + "Expect: 100-continue\r\n\r\n");
            out.flush();
            BufferedReader in = reader(socket);
            // Only the head has left: the body goes once the server says 100.
            assertEquals("HTTP/1.1 100 Continue", in.readLine());
            assertEquals("", in.readLine());
            out.write(body);
            out.flush();
            assertEquals("HTTP/1.1 400 Bad Request", in.readLine());
            String response = in.lines()
                    .dropWhile(line -> !line.startsWith("{"))
                    .findFirst()
                    .orElse("");
            assertEquals("unsupported_grant_type", new JsonObject(response).getString("error"));
        }
    }

    @Test
    void tokenWhenClientExpectsContinueWithBodyOver64KibThen413InsteadOfContinue() throws IOException {
        try (Socket socket = rawConnection()) {
            Writer out = new OutputStreamWriter(socket.getOutputStream(), StandardCharsets.ISO_8859_1);
            out.write(tokenRequestHead(64 * 1024 + 1) + "Expect: 100-continue\r\n\r\n");
            out.flush();
            assertTrue(reader(socket).readLine().startsWith("HTTP/1.1 413 "));
        }
    }

    private static Socket rawConnection() throws IOException {
        Socket socket = new Socket("127.0.0.1", server.port());
        // The deadline for each read: a server that never answers fails the test instead of hanging it.
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static String tokenRequestHead(int contentLength) {
        return "POST /oauth2/token HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                + "Authorization: " + TestAuthServer.basic("svc", TestClients.secretOf("svc")) + "\r\n"
                + "Content-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + contentLength + "\r\n";
    }

    private static BufferedReader reader(Socket socket) throws IOException {
        return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
    }

    @Test
    void tokenWhenMethodIsGetThenMethodNotAllowedNever500() {
        var response = Await.result(
                server.client().request(HttpMethod.GET, "/oauth2/token").send());
        assertError(response, 405, "invalid_request", "The method is not allowed here");
        assertEquals("OPTIONS, POST", response.getHeader("Allow"));
        assertNull(response.getHeader("WWW-Authenticate"));
    }

    @Test
    void metadataWhenMethodIsDeleteThenMethodNotAllowedNamingGetHeadAndOptions() {
        var response = Await.result(server.client()
                .request(HttpMethod.DELETE, "/.well-known/oauth-authorization-server")
                .send());
        assertError(response, 405, "invalid_request", "The method is not allowed here");
        assertEquals("GET, HEAD, OPTIONS", response.getHeader("Allow"));
    }

    @Test
    void metadataWhenFetchedThenRfc8414Document() {
        var response = Await.result(
                server.client().get("/.well-known/oauth-authorization-server").send());
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.getHeader("Content-Type"));
        JsonObject doc = response.bodyAsJsonObject();
        assertEquals(TestAuthServer.ISSUER, doc.getString("issuer"));
        assertEquals(TestAuthServer.ISSUER + "/oauth2/token", doc.getString("token_endpoint"));
        assertEquals(TestAuthServer.ISSUER + "/oauth2/introspect", doc.getString("introspection_endpoint"));
        assertEquals(TestAuthServer.ISSUER + "/oauth2/revoke", doc.getString("revocation_endpoint"));
        assertEquals(TestAuthServer.ISSUER + "/revocations", doc.getString("revocation_list_endpoint"));
        assertEquals("[\"code\"]", doc.getJsonArray("response_types_supported").encode());
        assertEquals(
                "[\"client_secret_basic\",\"client_secret_post\",\"none\"]",
                doc.getJsonArray("token_endpoint_auth_methods_supported").encode());
        assertEquals(
                "[\"client_secret_basic\",\"client_secret_post\"]",
                doc.getJsonArray("introspection_endpoint_auth_methods_supported")
                        .encode());
    }

    @Test
    void metadataWhenAskedWithHeadThenGetsHeadersWithoutContent() {
        var get = Await.result(
                server.client().get("/.well-known/oauth-authorization-server").send());
        var head = Await.result(
                server.client().head("/.well-known/oauth-authorization-server").send());
        assertEquals(200, head.statusCode());
        assertEquals("public, max-age=300", head.getHeader("Cache-Control"));
        assertEquals("application/json", head.getHeader("Content-Type"));
        assertNull(head.body());
    }

    @Test
    void openidConfigurationWhenAskedThenTheRfc8414DocumentPlusTheOpenIdFields() {
        var response = Await.result(
                server.client().get("/.well-known/openid-configuration").send());
        assertEquals(200, response.statusCode());
        var oauth = Await.result(server.client()
                        .get("/.well-known/oauth-authorization-server")
                        .send())
                .bodyAsJsonObject();
        var openid = response.bodyAsJsonObject();
        oauth.forEach(field -> assertEquals(field.getValue(), openid.getValue(field.getKey()), field.getKey()));
        assertEquals(oauth.getString("issuer") + "/oauth2/userinfo", openid.getString("userinfo_endpoint"));
        assertEquals(oauth.getString("issuer") + "/oauth2/end-session", openid.getString("end_session_endpoint"));
        assertEquals(
                "[\"public\"]", openid.getJsonArray("subject_types_supported").encode());
        assertEquals(
                "[\"RS256\",\"ES256\"]",
                openid.getJsonArray("id_token_signing_alg_values_supported").encode());
        assertEquals(true, openid.getBoolean("backchannel_logout_supported"));
        assertEquals(true, openid.getBoolean("backchannel_logout_session_supported"));
    }
}
