package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.TestDpopProof;
import io.latchkey.common.testing.TestJoseKey;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * resource-demo over real HTTP with DPoP-bound ES256 tokens (issues 19 and 20), configured from the environment as in
 * production, {@code LATCHKEY_EXTERNAL_URL} included: a bound token with a proof of the client's key reaches the
 * demo API; the same token without one does not.
 */
@ExtendWith(VertxExtension.class)
class ResourceDemoDpopTest {
    private static final String EXTERNAL = "https://notes.example.com";
    private static final TestKeys SIGNING_KEY = TestKeys.es256();
    private static final TestJoseKey CLIENT_KEY = TestJoseKey.es256();

    private static FakeUpstream upstream;
    private static ResourceDemoVerticle demo;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, SIGNING_KEY);
        Await.result(vertx.deployVerticle(upstream));
        demo = new ResourceDemoVerticle(ResourceDemoConfig.from(new Env(Map.of(
                "LATCHKEY_HOST",
                "127.0.0.1",
                "LATCHKEY_PORT",
                "0",
                "LATCHKEY_ISSUER",
                upstream.issuer(),
                "LATCHKEY_FEED_CLIENT_ID",
                FakeUpstream.FEED_CLIENT_ID,
                "LATCHKEY_FEED_CLIENT_SECRET",
                FakeUpstream.FEED_CLIENT_SECRET,
                "LATCHKEY_EXTERNAL_URL",
                EXTERNAL,
                "LATCHKEY_DPOP_REPLAY_CACHE_SIZE",
                "1000"))));
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

    private static TestTokens token(String scope) {
        return TestTokens.valid(SIGNING_KEY, upstream.issuer()).scope(scope).boundTo(CLIENT_KEY.thumbprint());
    }

    private static String proof(HttpMethod method, String path, String token) {
        return TestDpopProof.by(CLIENT_KEY)
                .htm(method.name())
                .htu(EXTERNAL + path)
                .accessToken(token)
                .sign();
    }

    private static HttpResponse<Buffer> send(HttpMethod method, String path, String token, String proof, String body) {
        var request =
                client.request(method, demo.port(), "127.0.0.1", path).putHeader("Authorization", "DPoP " + token);
        if (proof != null) {
            request.putHeader("DPoP", proof);
        }
        return Await.result(
                body == null
                        ? request.send()
                        : request.putHeader("Content-Type", "application/json").sendBuffer(Buffer.buffer(body)));
    }

    @Test
    void meWhenBoundTokenWithProofThen200() {
        TestTokens builder = token("notes:read");
        String token = builder.sign();

        HttpResponse<Buffer> response =
                send(HttpMethod.GET, "/api/me", token, proof(HttpMethod.GET, "/api/me", token), null);

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals(builder.subject(), response.bodyAsJsonObject().getString("sub"));
    }

    @Test
    void notesWhenWrittenAndListedWithProofsThen201And200() {
        String token = token("notes:read notes:write").sign();

        HttpResponse<Buffer> created = send(
                HttpMethod.POST,
                "/api/notes",
                token,
                proof(HttpMethod.POST, "/api/notes", token),
                "{\"text\":\"dpop\"}");
        HttpResponse<Buffer> listed =
                send(HttpMethod.GET, "/api/notes", token, proof(HttpMethod.GET, "/api/notes", token), null);

        assertEquals(201, created.statusCode(), created.bodyAsString());
        assertEquals(200, listed.statusCode());
        assertEquals(
                "dpop",
                listed.bodyAsJsonObject().getJsonArray("notes").getJsonObject(0).getString("text"));
    }

    @Test
    void meWhenBoundTokenWithoutProofOrAsBearerThen401() {
        String token = token("notes:read").sign();

        HttpResponse<Buffer> noProof = send(HttpMethod.GET, "/api/me", token, null, null);
        HttpResponse<Buffer> asBearer = Await.result(client.get(demo.port(), "127.0.0.1", "/api/me")
                .putHeader("Authorization", "Bearer " + token)
                .send());
        HttpResponse<Buffer> localUrl = send(
                HttpMethod.GET,
                "/api/me",
                token,
                TestDpopProof.by(CLIENT_KEY)
                        .htm("GET")
                        .htu("http://127.0.0.1:" + demo.port() + "/api/me")
                        .accessToken(token)
                        .sign(),
                null);

        assertEquals(401, noProof.statusCode());
        assertEquals("invalid_dpop_proof", noProof.bodyAsJsonObject().getString("error"));
        assertEquals(401, asBearer.statusCode());
        assertEquals("invalid_token", asBearer.bodyAsJsonObject().getString("error"));
        assertEquals(401, localUrl.statusCode());
    }
}
