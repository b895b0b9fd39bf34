package io.latchkey.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * How {@link KeyServiceSigner} talks to key-service when tokens queue up, against a stand-in key-service whose
 * answers the test holds back: queued tokens go as one {@code /internal/sign/batch} request; a key-service
 * without that path (an older one) gets them one by one; one refused claim set fails only its own token. The
 * real key-service's side is key-service's {@code SigningApiTest}, and every token test runs through both.
 */
class KeyServiceSignerBatchTest {
    private static final String SECRET = "test-internal-secret-0123456789abcdef";

    private Vertx vertx;
    private HttpServer keyService;
    private final List<HttpServerRequest> held = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private final List<JsonObject> bodies = new CopyOnWriteArrayList<>();
    private volatile boolean knowsBatches = true;
    private volatile String refusedJti = "";
    private KeyServiceSigner signer;

    @BeforeEach
    void start() throws Exception {
        vertx = Vertx.vertx();
        keyService = Await.result(vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    paths.add(request.path());
                    bodies.add(body.toJsonObject());
                    held.add(request);
                }))
                .listen(0, "127.0.0.1"));
        signer = new KeyServiceSigner(
                vertx, List.of(URI.create("http://127.0.0.1:" + keyService.actualPort())), SECRET, 16);
    }

    @AfterEach
    void stop() throws Exception {
        signer.close();
        Await.result(vertx.close());
    }

    /** Answers the {@code index}th request as key-service would: a token named after each claim set's jti. */
    private void release(int index) {
        HttpServerRequest request = held.get(index);
        JsonObject body = bodies.get(index);
        if (request.path().endsWith("/batch")) {
            if (!knowsBatches) {
                request.response().setStatusCode(404).end();
                return;
            }
            JsonArray results = new JsonArray();
            body.getJsonArray("claims").forEach(claims -> results.add(answer((JsonObject) claims)));
            request.response().end(new JsonObject().put("results", results).encode());
        } else {
            JsonObject answer = answer(body.getJsonObject("claims"));
            request.response()
                    .setStatusCode(answer.containsKey("error") ? 400 : 200)
                    .end(answer.encode());
        }
    }

    private JsonObject answer(JsonObject claims) {
        String jti = claims.getString("jti");
        return jti.equals(refusedJti)
                ? new JsonObject().put("error", "invalid_request").put("error_description", "iss must be this issuer")
                : new JsonObject().put("token", "token-" + jti).put("kid", "kid-1");
    }

    private List<Future<String>> signOnOneEventLoop(int count) throws Exception {
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<Future<String>>> calls = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<String>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                futures.add(signer.sign(new JsonObject().put("jti", "jti-" + i)));
            }
            calls.complete(futures);
        });
        return calls.get();
    }

    private void awaitRequests(int count) throws InterruptedException {
        Await.until(count + " requests at key-service", Duration.ofSeconds(5), () -> held.size() >= count);
    }

    @Test
    void signWhenTokensQueueBehindOutstandingRequestsThenTheyLeaveAsOneBatch() throws Exception {
        List<Future<String>> calls = signOnOneEventLoop(10);
        awaitRequests(4);
        assertEquals(List.of("/internal/sign", "/internal/sign", "/internal/sign", "/internal/sign"), paths);
        release(0);
        awaitRequests(5);
        assertEquals("/internal/sign/batch", paths.get(4));
        assertEquals("at+jwt", bodies.get(4).getString("typ"));
        assertEquals(6, bodies.get(4).getJsonArray("claims").size(), "the six that waited leave together");
        assertEquals("Bearer " + SECRET, held.get(4).getHeader("Authorization"));
        for (int i = 1; i < 5; i++) {
            release(i);
        }
        for (int i = 0; i < 10; i++) {
            assertEquals("token-jti-" + i, Await.result(calls.get(i)));
        }
    }

    @Test
    void signWhenKeyServiceHasNoBatchPathThenQueuedTokensGoOneByOneFromThenOn() throws Exception {
        knowsBatches = false;
        List<Future<String>> calls = signOnOneEventLoop(6);
        awaitRequests(4);
        release(0);
        awaitRequests(5);
        release(4);
        awaitRequests(6);
        assertEquals("/internal/sign", paths.get(5), "after the 404 the waiting tokens go alone");
        for (int i = 1; i < 4; i++) {
            release(i);
        }
        awaitRequests(7);
        for (int i = 5; i < held.size(); i++) {
            release(i);
        }
        for (int i = 0; i < 6; i++) {
            assertEquals("token-jti-" + i, Await.result(calls.get(i)));
        }
        long batchRequests = paths.stream().filter(p -> p.endsWith("/batch")).count();
        assertEquals(1, batchRequests, "the batch path is asked once");
    }

    @Test
    void signWhenKeyServiceRefusesOneClaimSetInABatchThenOnlyThatTokenFails() throws Exception {
        refusedJti = "jti-5";
        List<Future<String>> calls = signOnOneEventLoop(7);
        awaitRequests(4);
        release(0);
        awaitRequests(5);
        for (int i = 1; i < 5; i++) {
            release(i);
        }
        assertEquals("token-jti-4", Await.result(calls.get(4)));
        OAuthError error = assertInstanceOf(OAuthError.class, Await.failure(calls.get(5)));
        assertEquals("server_error", error.code());
        assertEquals("token-jti-6", Await.result(calls.get(6)));
    }
}
