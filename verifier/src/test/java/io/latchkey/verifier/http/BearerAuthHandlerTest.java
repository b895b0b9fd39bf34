package io.latchkey.verifier.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.ProtectedTestApp;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The verifier behind real HTTP, against a fake upstream with real RSA keys: every attack of issue 6 gets 401. */
@ExtendWith(VertxExtension.class)
class BearerAuthHandlerTest {
    private static final String INVALID = "Bearer realm=\"resource-demo\", error=\"invalid_token\", "
            + "error_description=\"the access token is invalid\"";
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final TestKeys SECOND_KEY = TestKeys.rsa2048();
    private static final TestKeys UNPUBLISHED_KEY = TestKeys.rsa2048();

    private static FakeUpstream upstream;
    private static ProtectedTestApp app;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, KEY, SECOND_KEY);
        Await.result(vertx.deployVerticle(upstream));
        app = new ProtectedTestApp(ProtectedTestApp.settings(upstream, Duration.ofSeconds(30), Duration.ofSeconds(5)));
        Await.result(vertx.deployVerticle(app));
        client = WebClient.create(vertx);
        Await.until(
                "verifier ready", Duration.ofSeconds(10), () -> app.verifier().ready());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static TestTokens token() {
        return TestTokens.valid(KEY, upstream.issuer());
    }

    private static HttpResponse<Buffer> get(String path, String token) {
        var request = client.get(app.port(), "127.0.0.1", path);
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return Await.result(request.send());
    }

    private static void assertInvalidToken(String token, String description) {
        HttpResponse<Buffer> response = get("/protected", token);
        assertEquals(401, response.statusCode());
        assertEquals(
                "Bearer realm=\"resource-demo\", error=\"invalid_token\", error_description=\"" + description + "\"",
                response.getHeader("WWW-Authenticate"));
        assertEquals(
                new JsonObject().put("error", "invalid_token").put("error_description", description),
                response.bodyAsJsonObject());
        assertEquals("no-store", response.getHeader("Cache-Control"));
    }

    private static void assertInvalid(String token) {
        assertInvalidToken(token, "the access token is invalid");
    }

    @Test
    void requestWhenTokenValidThen200WithClaims() {
        TestTokens builder = token().scope("notes:read");
        HttpResponse<Buffer> response = get("/protected", builder.sign());
        assertEquals(200, response.statusCode());
        assertEquals(
                new JsonObject().put("sub", builder.subject()).put("scope", "notes:read"), response.bodyAsJsonObject());
    }

    @Test
    void requestWhenNoTokenThen401WithBareChallenge() {
        HttpResponse<Buffer> response = get("/protected", null);
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"resource-demo\"", response.getHeader("WWW-Authenticate"));
        assertNull(response.body());
    }

    @Test
    void requestWhenBasicCredentialsInsteadOfTokenThen401WithBareChallenge() {
        HttpResponse<Buffer> response = Await.result(client.get(app.port(), "127.0.0.1", "/protected")
                .putHeader("Authorization", "Basic YWxpY2U6c2VjcmV0")
                .send());
        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"resource-demo\"", response.getHeader("WWW-Authenticate"));
    }

    @Test
    void requestWhenTwoAuthorizationHeadersThen400InvalidRequest() {
        HttpResponse<Buffer> response = Await.result(client.get(app.port(), "127.0.0.1", "/protected")
                .putHeader("Authorization", java.util.List.of("Bearer " + token().sign(), "Bearer x.y.z"))
                .send());
        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "more than one Authorization header"),
                response.bodyAsJsonObject());
    }

    @Test
    void requestWhenExpiredThen401() {
        assertInvalidToken(token().expiresIn(-120).issuedSecondsAgo(500).sign(), "the access token expired");
    }

    @Test
    void requestWhenNotYetValidThen401() {
        assertInvalid(token().claim("nbf", Instant.now().getEpochSecond() + 300).sign());
    }

    @Test
    void requestWhenWrongIssuerThen401() {
        assertInvalid(token().claim("iss", "https://evil.example").sign());
    }

    @Test
    void requestWhenWrongAudienceThen401() {
        assertInvalid(token().audience("another-api").sign());
    }

    @Test
    void requestWhenWrongTypThen401() {
        assertInvalid(token().header("typ", "JWT").sign());
    }

    @Test
    void requestWhenAlgNoneThen401() {
        assertInvalid(token().unsigned());
        assertInvalid(token().unsigned() + "c2ln");
    }

    @Test
    void requestWhenHs256WithPublicKeyAsSecretThen401() {
        assertInvalid(token().signHs256(KEY.publicKey().getEncoded()));
        assertInvalid(token().signHs256(KEY.jwk().encode().getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void requestWhenUnknownKidThen401() {
        assertInvalid(TestTokens.valid(UNPUBLISHED_KEY, upstream.issuer()).sign());
    }

    @Test
    void requestWhenPayloadTamperedThen401() {
        String[] parts = token().scope("notes:read").sign().split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                .put("scope", "notes:read notes:write");
        String payload = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8));
        assertInvalid(parts[0] + "." + payload + "." + parts[2]);
    }

    @Test
    void requestWhenTokenCarriesOwnJwkThen401() {
        assertInvalid(TestTokens.valid(UNPUBLISHED_KEY, upstream.issuer())
                .header("jwk", UNPUBLISHED_KEY.jwk())
                .sign());
    }

    @Test
    void requestWhenTokenCarriesJkuThen401() {
        assertInvalid(TestTokens.valid(UNPUBLISHED_KEY, upstream.issuer())
                .header("jku", upstream.url() + "/.well-known/jwks.json")
                .sign());
    }

    @Test
    void requestWhenCritHeaderThen401() {
        assertInvalid(token().header("crit", new JsonArray().add("exp")).sign());
    }

    @Test
    void requestWhenGarbageTokenThen401() {
        assertInvalid("not-a-jwt");
        assertInvalid("a.b.c");
        assertInvalid("bnVsbA.bnVsbA.AA");
        assertInvalid(TestTokens.valid(KEY, upstream.issuer()).header("kid", 42).sign());
        assertInvalid(token().claim("exp", "tomorrow").sign());
        assertInvalid(token().claim("aud", new JsonArray().add(7)).sign());
        assertInvalid("x".repeat(7_000));
    }

    @Test
    void requestWhenScopeMissingThen403InsufficientScope() {
        HttpResponse<Buffer> response =
                get("/write", token().scope("notes:read").sign());
        assertEquals(403, response.statusCode());
        assertEquals(
                "Bearer realm=\"resource-demo\", error=\"insufficient_scope\", "
                        + "error_description=\"the access token lacks scope notes:write\", scope=\"notes:write\"",
                response.getHeader("WWW-Authenticate"));
        assertEquals(
                new JsonObject()
                        .put("error", "insufficient_scope")
                        .put("error_description", "the access token lacks scope notes:write"),
                response.bodyAsJsonObject());
    }

    @Test
    void requestWhenScopePresentThen200() {
        assertEquals(200, get("/write", token().scope("notes:write").sign()).statusCode());
    }

    @Test
    void requestWhenJtiRevokedThenRejectedWithinOneSecondEvenWhenCached() {
        TestTokens builder = token();
        String token = builder.sign();
        assertEquals(200, get("/protected", token).statusCode());
        Await.result(upstream.revoke("jti", builder.jti(), null, builder.exp() + 60));
        Await.untilEquals("revoked jti rejected", Duration.ofSeconds(1), 401, () -> get("/protected", token)
                .statusCode());
        assertInvalidToken(token, "the access token was revoked");
    }

    @Test
    void requestWhenSidRevokedThenRejected() {
        TestTokens builder = token();
        String token = builder.sign();
        assertEquals(200, get("/protected", token).statusCode());
        Await.result(upstream.revoke("sid", builder.sid()));
        Await.untilEquals("revoked sid rejected", Duration.ofSeconds(1), 401, () -> get("/protected", token)
                .statusCode());
    }

    @Test
    void requestWhenSubRevokedThenOnlyEarlierTokensRejected() {
        TestTokens before = token().issuedSecondsAgo(10);
        String earlier = before.sign();
        String later = token().claim("sub", before.subject()).sign();
        long notBefore = Instant.now().getEpochSecond() - 5;
        Await.result(upstream.revoke("sub", before.subject(), notBefore, notBefore + 400));
        Await.untilEquals(
                "token issued before not_before rejected", Duration.ofSeconds(1), 401, () -> get("/protected", earlier)
                        .statusCode());
        assertEquals(200, get("/protected", later).statusCode());
    }

    @Test
    void requestWhenKidRevokedThenKeyNeverAcceptedAgain() {
        String token = TestTokens.valid(SECOND_KEY, upstream.issuer()).sign();
        assertEquals(200, get("/protected", token).statusCode());
        // The JWKS still lists the key: the revocation alone must be enough.
        Await.result(upstream.revoke("kid", SECOND_KEY.kid()));
        Await.untilEquals("token of revoked key rejected", Duration.ofSeconds(1), 401, () -> get("/protected", token)
                .statusCode());
        assertInvalidToken(TestTokens.valid(SECOND_KEY, upstream.issuer()).sign(), "the access token was revoked");
        assertEquals(200, get("/protected", token().sign()).statusCode());
    }
}
