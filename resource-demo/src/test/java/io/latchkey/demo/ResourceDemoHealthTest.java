package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code /health/ready} follows the verifier: 503 until the revocation list is loaded, 200 after. */
@ExtendWith(VertxExtension.class)
class ResourceDemoHealthTest {
    @Test
    void readyWhenRevocationListNotLoadedThen503AndApi503UntilItLoads(Vertx vertx) {
        TestKeys key = TestKeys.rsa2048();
        FakeUpstream upstream = new FakeUpstream(100, 300, key);
        Await.result(vertx.deployVerticle(upstream));
        Await.result(upstream.cutFeed());
        ResourceDemoVerticle demo = new ResourceDemoVerticle(ResourceDemoApiTest.config(upstream));
        Await.result(vertx.deployVerticle(demo));
        WebClient client = WebClient.create(vertx);
        String token = TestTokens.valid(key, upstream.issuer()).sign();

        assertEquals(
                200,
                Await.result(client.get(demo.port(), "127.0.0.1", "/health/live")
                                .send())
                        .statusCode());
        assertEquals(
                503,
                Await.result(client.get(demo.port(), "127.0.0.1", "/health/ready")
                                .send())
                        .statusCode());
        assertEquals(
                503,
                Await.result(client.head(demo.port(), "127.0.0.1", "/health/ready")
                                .send())
                        .statusCode());
        assertEquals(
                503,
                Await.result(client.get(demo.port(), "127.0.0.1", "/api/me")
                                .putHeader("Authorization", "Bearer " + token)
                                .send())
                        .statusCode());

        HttpResponse<Buffer> notReady = Await.result(
                client.get(demo.port(), "127.0.0.1", "/health/ready").send());
        assertEquals(
                "down",
                notReady.bodyAsJsonObject().getJsonObject("dependencies").getString("revocation-feed"));

        upstream.restoreFeed();
        Await.untilEquals("ready once loaded", Duration.ofSeconds(10), 200, () -> Await.result(
                        client.get(demo.port(), "127.0.0.1", "/health/ready").send())
                .statusCode());
        assertEquals(
                200,
                Await.result(client.head(demo.port(), "127.0.0.1", "/health/ready")
                                .send())
                        .statusCode());
        assertEquals(
                new JsonObject().put("revocation-feed", "up").put("jwks", "up"),
                Await.result(client.get(demo.port(), "127.0.0.1", "/health/ready")
                                .send())
                        .bodyAsJsonObject()
                        .getJsonObject("dependencies"));
        assertEquals(
                200,
                Await.result(client.get(demo.port(), "127.0.0.1", "/api/me")
                                .putHeader("Authorization", "Bearer " + token)
                                .send())
                        .statusCode());
    }
}
