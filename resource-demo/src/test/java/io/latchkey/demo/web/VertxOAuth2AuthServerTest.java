package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.common.tls.ClientTls;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What Vert.x's OAuth 2.0 client puts on the wire for Latchkey's contract, against a stand-in token endpoint. */
@ExtendWith(VertxExtension.class)
class VertxOAuth2AuthServerTest {
    private static final String ISSUER = "http://localhost:8080";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
    /** A secret with characters that RFC 6749 §2.3.1 form-encoding changes. */
    private static final String SECRET = "s3cret+with/odd=chars & spaces%";

    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile JsonObject answer;
    private volatile int answerStatus = 200;
    private HttpServer server;

    record Seen(String authorization, MultiMap form) {}

    @BeforeEach
    void start(Vertx vertx) {
        Router router = Router.router(vertx);
        router.post("/oauth2/token").handler(BodyHandler.create()).handler(ctx -> {
            seen.add(new Seen(
                    ctx.request().getHeader("Authorization"), ctx.request().formAttributes()));
            ctx.response()
                    .setStatusCode(answerStatus)
                    .putHeader("Content-Type", "application/json")
                    .putHeader("Cache-Control", "no-store")
                    .end(answer.encode());
        });
        server = Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    }

    @AfterEach
    void stop() {
        Await.result(server.close());
    }

    private WebAppSettings settings(List<URI> backChannel) {
        return new WebAppSettings(
                "demo-web", SECRET, "http://localhost:8082", ISSUER, backChannel, ClientTls.defaults());
    }

    private VertxOAuth2AuthServer client(Vertx vertx, URI... backChannel) {
        return VertxOAuth2AuthServer.create(vertx, settings(List.of(backChannel)));
    }

    private URI url() {
        return URI.create("http://127.0.0.1:" + server.actualPort());
    }

    private static JsonObject tokenResponse(String refreshToken) {
        return new JsonObject()
                .put("access_token", "at-" + refreshToken)
                .put("token_type", "Bearer")
                .put("expires_in", 300)
                .put("scope", WebAppSettings.SCOPE)
                .put("refresh_token", refreshToken);
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(
                    URLDecoder.decode(kv[0], StandardCharsets.UTF_8), URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    @Test
    void authorizationUrlWhenSignInStartsThenTheContractsParametersOnTheIssuer(Vertx vertx) {
        PendingLogin login = PendingLogin.start(NOW);

        String url = client(vertx, URI.create("http://auth-server:8080")).authorizationUrl(login);

        assertTrue(url.startsWith(ISSUER + "/oauth2/authorize?"), url);
        assertTrue(url.contains("scope=openid%20profile%20email%20notes%3Aread%20notes%3Awrite"), url);
        assertEquals(
                Map.of(
                        "response_type", "code",
                        "client_id", "demo-web",
                        "redirect_uri", "http://localhost:8082/callback",
                        "scope", "openid profile email notes:read notes:write",
                        "state", login.state(),
                        "code_challenge", login.pkce().challenge(),
                        "code_challenge_method", "S256",
                        "nonce", login.nonce()),
                query(url));
    }

    @Test
    void redeemWhenCodeReturnedThenBasicAuthAndCodeVerifierOnTheBackChannel(Vertx vertx) {
        answer = tokenResponse("rt-1");
        PendingLogin login = PendingLogin.start(NOW);

        Tokens tokens = Await.result(client(vertx, url()).redeem("the-code", login, NOW));

        assertEquals("at-rt-1", tokens.accessToken());
        assertEquals(Optional.of("rt-1"), tokens.refreshToken());
        assertEquals(NOW.plusSeconds(300), tokens.expiresAt());
        Seen request = seen.get(0);
        String basic = new String(
                Base64.getDecoder().decode(request.authorization().substring("Basic ".length())),
                StandardCharsets.UTF_8);
        String[] credentials = basic.split(":", 2);
        assertEquals("demo-web", URLDecoder.decode(credentials[0], StandardCharsets.UTF_8));
        assertEquals(SECRET, URLDecoder.decode(credentials[1], StandardCharsets.UTF_8), "RFC 6749 §2.3.1 encoding");
        assertEquals("authorization_code", request.form().get("grant_type"));
        assertEquals("the-code", request.form().get("code"));
        assertEquals("http://localhost:8082/callback", request.form().get("redirect_uri"));
        assertEquals(login.pkce().verifier(), request.form().get("code_verifier"));
        assertEquals(null, request.form().get("client_secret"), "the secret travels only in the Basic header");
    }

    @Test
    void refreshWhenRotatedThenTheNewRefreshTokenIsKept(Vertx vertx) {
        answer = tokenResponse("rt-2");
        Tokens current = new Tokens("at-1", NOW, Optional.of("rt-1"), "notes:read", Optional.of("sign-in-id-token"));

        Tokens refreshed = Await.result(client(vertx, url()).refresh(current, NOW));

        assertEquals(Optional.of("rt-2"), refreshed.refreshToken());
        assertEquals(Optional.of("sign-in-id-token"), refreshed.idToken(), "the sign-in's ID token is kept");
        assertEquals("refresh_token", seen.get(0).form().get("grant_type"));
        assertEquals("rt-1", seen.get(0).form().get("refresh_token"));
    }

    @Test
    void refreshWhenTheServerAnswersInvalidGrantThenRefusedWithThatCode(Vertx vertx) {
        answerStatus = 400;
        answer = new JsonObject().put("error", "invalid_grant").put("error_description", "refresh token reused");
        Tokens current = new Tokens("at-1", NOW, Optional.of("rt-1"), "notes:read", Optional.empty());

        AuthServer.Refused refused = assertInstanceOf(
                AuthServer.Refused.class, Await.failure(client(vertx, url()).refresh(current, NOW)));

        assertEquals("invalid_grant", refused.error());
    }

    @Test
    void redeemWhenTheFirstBackChannelUrlRefusesConnectionsThenTheNextOne(Vertx vertx) {
        answer = tokenResponse("rt-1");
        URI nobody = URI.create("http://127.0.0.1:" + ServiceProcess.freePort());

        Tokens tokens = Await.result(client(vertx, nobody, url()).redeem("c", PendingLogin.start(NOW), NOW));

        assertEquals("at-rt-1", tokens.accessToken());
        assertEquals(1, seen.size());
    }

    @Test
    void redeemWhenNoBackChannelUrlAnswersThenUnavailable(Vertx vertx) {
        URI nobody = URI.create("http://127.0.0.1:" + ServiceProcess.freePort());

        assertInstanceOf(
                AuthServer.Unavailable.class,
                Await.failure(client(vertx, nobody).redeem("c", PendingLogin.start(NOW), NOW)));
    }

    @Test
    void redeemWhenTheServerFailsWithoutAnOAuthErrorThenUnavailable(Vertx vertx) {
        answerStatus = 503;
        answer = new JsonObject().put("status", "down");

        assertInstanceOf(
                AuthServer.Unavailable.class,
                Await.failure(client(vertx, url()).redeem("c", PendingLogin.start(NOW), NOW)));
    }
}
