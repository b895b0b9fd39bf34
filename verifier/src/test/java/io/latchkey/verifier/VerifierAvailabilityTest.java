package io.latchkey.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.ProtectedTestApp;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How the verifier behaves when its upstreams misbehave: fail closed (503) without the revocation list or past the
 * staleness bound and recover alone, keep keys while the JWKS is down, refetch keys single-flight and rate-limited,
 * resume the stream with {@code Last-Event-ID}, and reach everything through back-channel URLs.
 */
@ExtendWith(VertxExtension.class)
class VerifierAvailabilityTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final TestKeys NEXT_KEY = TestKeys.rsa2048();
    private static final Duration BOUND = Duration.ofSeconds(1);

    private FakeUpstream upstream;
    private ProtectedTestApp app;
    private WebClient client;

    private void start(Vertx vertx, long jwksMaxAge, Duration refetchInterval, boolean feedCut) {
        upstream = new FakeUpstream(100, jwksMaxAge, KEY);
        Await.result(vertx.deployVerticle(upstream));
        if (feedCut) {
            Await.result(upstream.cutFeed());
        }
        startApp(vertx, ProtectedTestApp.settings(upstream, BOUND, refetchInterval));
    }

    private void startApp(Vertx vertx, VerifierSettings settings) {
        app = new ProtectedTestApp(settings);
        Await.result(vertx.deployVerticle(app));
        client = WebClient.create(vertx);
    }

    private HttpResponse<Buffer> get(String token) {
        return Await.result(client.get(app.port(), "127.0.0.1", "/protected")
                .putHeader("Authorization", "Bearer " + token)
                .send());
    }

    private int status(String token) {
        return get(token).statusCode();
    }

    private String token() {
        return TestTokens.valid(KEY, upstream.issuer()).sign();
    }

    @Test
    void requestWhenRevocationListNeverLoadedThen503UntilItLoads(Vertx vertx) {
        start(vertx, 300, Duration.ofSeconds(5), true);
        String token = token();
        HttpResponse<Buffer> response = get(token);
        assertEquals(503, response.statusCode());
        assertEquals("1", response.getHeader("Retry-After"));
        assertEquals(
                new JsonObject()
                        .put("error", "temporarily_unavailable")
                        .put("error_description", "token verification is temporarily unavailable"),
                response.bodyAsJsonObject());
        upstream.restoreFeed();
        Await.untilEquals("accepted once the list loads", Duration.ofSeconds(10), 200, () -> status(token));
    }

    @Test
    void requestWhenFeedCutPastStalenessBoundThen503ThenRecovers(Vertx vertx) {
        start(vertx, 300, Duration.ofSeconds(5), false);
        String token = token();
        Await.untilEquals("accepted while the feed is up", Duration.ofSeconds(10), 200, () -> status(token));
        Await.result(upstream.cutFeed());
        Duration failedClosedAfter =
                Await.untilEquals("503 past the bound", Duration.ofSeconds(5), 503, () -> status(token));
        assertTrue(failedClosedAfter.compareTo(BOUND.multipliedBy(3)) < 0, "fails closed soon after the bound");
        upstream.restoreFeed();
        Await.untilEquals("recovers by itself", Duration.ofSeconds(10), 200, () -> status(token));
    }

    @Test
    void streamWhenSilentThenReplacedAndResumedFromLastSeq(Vertx vertx) {
        start(vertx, 300, Duration.ofSeconds(5), false);
        Await.until("ready", Duration.ofSeconds(10), () -> app.verifier().ready());
        long seq = Await.result(upstream.revoke("jti", "some-jti"));
        Await.until("entry seen", Duration.ofSeconds(5), () -> upstream.streamsOpened() >= 1);
        int opened = upstream.streamsOpened();
        upstream.silenceFeed(true);
        Await.until("silent stream replaced", Duration.ofSeconds(5), () -> upstream.streamsOpened() > opened);
        List<String> ids = upstream.lastEventIds();
        assertEquals(Long.toString(seq), ids.get(ids.size() - 1));
        upstream.silenceFeed(false);
        assertEquals(200, status(token()));
    }

    @Test
    void requestWhenJwksDownThenKnownKeysKeepVerifying(Vertx vertx) {
        start(vertx, 1, Duration.ofMillis(200), false);
        String token = token();
        Await.untilEquals("accepted", Duration.ofSeconds(10), 200, () -> status(token));
        upstream.jwksDown(true);
        int fetches = upstream.jwksFetches();
        Await.until("two failed refreshes", Duration.ofSeconds(10), () -> upstream.jwksFetches() >= fetches + 2);
        assertEquals(200, status(token));
        assertEquals(200, status(token()));
    }

    @Test
    void requestWhenManyNameANewKidAtOnceThenOneJwksFetch(Vertx vertx) {
        start(vertx, 300, Duration.ofMillis(200), false);
        Await.untilEquals("accepted", Duration.ofSeconds(10), 200, () -> status(token()));
        upstream.publish(NEXT_KEY);
        upstream.jwksDelay(300);
        Await.until(
                "refetch interval passed",
                Duration.ofSeconds(5),
                () -> upstream.sinceLastJwksFetch().toMillis() > 400);
        int fetches = upstream.jwksFetches();
        List<Future<HttpResponse<Buffer>>> responses = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            responses.add(client.get(app.port(), "127.0.0.1", "/protected")
                    .putHeader(
                            "Authorization",
                            "Bearer "
                                    + TestTokens.valid(NEXT_KEY, upstream.issuer())
                                            .sign())
                    .send());
        }
        for (Future<HttpResponse<Buffer>> response : responses) {
            assertEquals(200, Await.result(response).statusCode());
        }
        assertEquals(fetches + 1, upstream.jwksFetches());
    }

    @Test
    void requestWhenUnknownKidsFloodThenJwksFetchedAtMostOncePerInterval(Vertx vertx) {
        start(vertx, 300, Duration.ofSeconds(2), false);
        Await.untilEquals("accepted", Duration.ofSeconds(10), 200, () -> status(token()));
        int fetches = upstream.jwksFetches();
        long started = System.nanoTime();
        for (int i = 0; i < 30; i++) {
            assertEquals(
                    401,
                    status(TestTokens.valid(TestKeys.rsa(2048), upstream.issuer())
                            .sign()));
        }
        long elapsedMs = Duration.ofNanos(System.nanoTime() - started).toMillis();
        assertTrue(
                upstream.jwksFetches() - fetches <= 1 + elapsedMs / 2_000,
                "fetches " + (upstream.jwksFetches() - fetches) + " in " + elapsedMs + " ms");
    }

    @Test
    void requestWhenKeysRotateThenNewKeyAcceptedWithoutFailures(Vertx vertx) {
        start(vertx, 1, Duration.ofMillis(500), false);
        Await.untilEquals("accepted", Duration.ofSeconds(10), 200, () -> status(token()));
        // key-service publishes a key ahead of signing with it; the cache picks it up on its max-age refresh.
        upstream.publish(NEXT_KEY);
        int fetches = upstream.jwksFetches();
        Await.until("refreshed", Duration.ofSeconds(5), () -> upstream.jwksFetches() > fetches);
        assertEquals(200, status(TestTokens.valid(NEXT_KEY, upstream.issuer()).sign()));
        assertEquals(200, status(token()));
        upstream.unpublish(KEY);
        assertEquals(200, status(TestTokens.valid(NEXT_KEY, upstream.issuer()).sign()));
    }

    @Test
    void requestWhenActiveKeyRevokedThenSuccessorAcceptedWithoutWaitingForTheRefetchInterval(Vertx vertx) {
        start(vertx, 300, Duration.ofSeconds(30), false);
        Await.untilEquals("accepted", Duration.ofSeconds(10), 200, () -> status(token()));
        // An emergency revocation: the successor signs at once, the old kid is listed on the feed.
        upstream.publish(NEXT_KEY);
        upstream.unpublish(KEY);
        Await.result(upstream.revoke("kid", KEY.kid()));
        String successorToken = TestTokens.valid(NEXT_KEY, upstream.issuer()).sign();
        Await.untilEquals("successor accepted", Duration.ofSeconds(3), 200, () -> status(successorToken));
        assertEquals(401, status(token()));
    }

    @Test
    void startWhenIssuerUnreachableThenBackChannelUrlsServeEverything(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, KEY);
        Await.result(vertx.deployVerticle(upstream));
        upstream.advertiseIssuer("http://localhost:1");
        VerifierSettings settings = new VerifierSettings(
                "http://localhost:1",
                "resource-demo",
                FakeUpstream.FEED_CLIENT_ID,
                FakeUpstream.FEED_CLIENT_SECRET,
                List.of(URI.create("http://127.0.0.1:1"), URI.create(upstream.url() + "/")),
                Optional.of(URI.create(upstream.url() + "/.well-known/jwks.json")),
                BOUND);
        startApp(vertx, settings);
        String token = TestTokens.valid(KEY, "http://localhost:1").sign();
        Await.untilEquals("accepted via the back channel", Duration.ofSeconds(10), 200, () -> status(token));
    }

    @Test
    void startWhenFeedCredentialsWrongThenNotReady(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, KEY);
        Await.result(vertx.deployVerticle(upstream));
        VerifierSettings good = ProtectedTestApp.settings(upstream, BOUND, Duration.ofSeconds(5));
        VerifierSettings wrong = new VerifierSettings(
                good.issuer(),
                good.audience(),
                good.feedClientId(),
                "wrong-secret-wrong-secret-wrong-secret",
                good.authServerUrls(),
                good.jwksUrl(),
                BOUND);
        startApp(vertx, wrong);
        Await.until("JWKS loaded", Duration.ofSeconds(10), () -> upstream.jwksFetches() >= 1);
        assertEquals(503, status(token()));
    }

    @Test
    void requestsWhenKeysRotateUnderContinuousLoadThenNoneFails(Vertx vertx) {
        start(vertx, 1, Duration.ofMillis(500), false);
        String oldToken = token();
        String newToken = TestTokens.valid(NEXT_KEY, upstream.issuer()).sign();
        Await.untilEquals("accepted", Duration.ofSeconds(10), 200, () -> status(oldToken));
        AtomicReference<String> current = new AtomicReference<>(oldToken);
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        List<Future<Void>> loops = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Promise<Void> finished = Promise.promise();
            loops.add(finished.future());
            loop(current, running, ok, failed, finished);
        }
        // The key service's sequence: publish ahead, start signing with the new key, later drop the old one.
        upstream.publish(NEXT_KEY);
        int fetches = upstream.jwksFetches();
        Await.until("new key fetched", Duration.ofSeconds(5), () -> upstream.jwksFetches() > fetches);
        current.set(newToken);
        int afterSwitch = ok.get();
        Await.until("requests with the new key", Duration.ofSeconds(5), () -> ok.get() > afterSwitch + 50);
        upstream.unpublish(KEY);
        int fetchesAfterRetire = upstream.jwksFetches();
        Await.until("old key dropped", Duration.ofSeconds(5), () -> upstream.jwksFetches() > fetchesAfterRetire);
        int afterRetire = ok.get();
        Await.until("requests after retirement", Duration.ofSeconds(5), () -> ok.get() > afterRetire + 50);
        running.set(false);
        loops.forEach(Await::result);
        assertEquals(0, failed.get(), "failed requests out of " + (ok.get() + failed.get()));
        // Tokens already verified stay cached until their exp (key-service keeps a retired key published that
        // long); a token under the dropped key that was never seen is refused.
        assertEquals(401, status(token()));
    }

    private void loop(
            AtomicReference<String> token,
            AtomicBoolean running,
            AtomicInteger ok,
            AtomicInteger failed,
            Promise<Void> finished) {
        if (!running.get()) {
            finished.tryComplete();
            return;
        }
        client.get(app.port(), "127.0.0.1", "/protected")
                .putHeader("Authorization", "Bearer " + token.get())
                .send()
                .onComplete(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                    loop(token, running, ok, failed, finished);
                });
    }
}
