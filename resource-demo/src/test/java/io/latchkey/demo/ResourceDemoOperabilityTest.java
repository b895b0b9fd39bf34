package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.Env;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.common.testing.TestPki;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.common.tls.ServerTls;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * resource-demo as it runs in production: HTTPS from PEM files with HSTS, the verifier trusting the CA bundle for
 * its back channel, request ids echoed, and one Prometheus text at {@code /metrics} with HTTP server metrics and
 * the verifier's counters.
 */
class ResourceDemoOperabilityTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final TestKeys NEXT_KEY = TestKeys.rsa2048();

    @TempDir
    static Path dir;

    static ServiceMetrics metrics;
    static Vertx vertx;
    static FakeUpstream upstream;
    static ResourceDemoVerticle demo;
    static WebClient client;
    static Path caCertificate;

    @BeforeAll
    static void start() {
        TestPki pki = TestPki.create(dir, "demo-ca");
        caCertificate = pki.caCertificate();
        TestPki.Issued authServer = pki.server("localhost", "127.0.0.1");
        TestPki.Issued demoCertificate = pki.server("localhost", "127.0.0.1");
        metrics = ServiceMetrics.create();
        vertx = metrics.vertx(new VertxOptions());
        upstream = new FakeUpstream(100, 300, KEY)
                .servedWith(ServerTls.of(authServer.certificateChain(), authServer.privateKey()));
        Await.result(vertx.deployVerticle(upstream));
        demo = new ResourceDemoVerticle(
                ResourceDemoConfig.from(new Env(Map.of(
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
                        "LATCHKEY_TLS_CERT",
                        demoCertificate.certificateChain().toString(),
                        "LATCHKEY_TLS_KEY",
                        demoCertificate.privateKey().toString(),
                        "LATCHKEY_TLS_CA",
                        pki.caCertificate().toString()))),
                metrics);
        Await.result(vertx.deployVerticle(demo));
        client = WebClient.create(vertx, ClientTls.trusting(pki.caCertificate()).applyTo(new WebClientOptions()));
        Await.untilEquals("ready", Duration.ofSeconds(10), 200, () -> get("/health/ready", null)
                .statusCode());
    }

    @AfterAll
    static void stop() {
        client.close();
        Await.result(vertx.close());
    }

    @Test
    void apiWhenCalledOverHttpsThenServedWithHstsAndTheCallersRequestId() {
        String token =
                TestTokens.valid(KEY, upstream.issuer()).scope("notes:read").sign();

        HttpResponse<Buffer> response = Await.result(client.getAbs(url("/api/me"))
                .putHeader("Authorization", "Bearer " + token)
                .putHeader("X-Request-Id", "demo-request-1")
                .send());

        assertEquals(200, response.statusCode());
        assertEquals("max-age=31536000", response.getHeader("Strict-Transport-Security"));
        assertEquals("demo-request-1", response.getHeader("X-Request-Id"));
    }

    @Test
    void apiWhenRequestIdMissingThenOneIsGenerated() {
        HttpResponse<Buffer> response = get("/health/live", null);

        assertTrue(response.getHeader("X-Request-Id").matches("[0-9a-f]{32}"), response.getHeader("X-Request-Id"));
    }

    @Test
    void plainHttpRequestToTheTlsListenerFails() {
        Future<HttpResponse<Buffer>> plain = client.getAbs("http://127.0.0.1:" + demo.port() + "/health/live")
                .send();

        Await.until("plain request settled", Duration.ofSeconds(10), plain::isComplete);
        assertTrue(plain.failed());
    }

    @Test
    void metricsWhenScrapedThenOnePrometheusTextWithHttpServerMetricsAndVerifierCounters() {
        String token = TestTokens.valid(KEY, upstream.issuer()).sign();
        assertEquals(200, get("/api/me", token).statusCode());
        Map<String, Double> before = scrape();

        assertEquals(401, get("/api/me", "not-a-token").statusCode());

        Map<String, Double> after = scrape();
        assertEquals(1.0, after.get("latchkey_verifier_ready"));
        assertEquals(
                PrometheusText.sum(before, "vertx_http_server_requests_total", "code=\"401\"") + 1,
                PrometheusText.sum(after, "vertx_http_server_requests_total", "code=\"401\""));
        assertEquals(
                before.get("latchkey_verifier_tokens_total{outcome=\"rejected\",reason=\"malformed\"}") + 1,
                after.get("latchkey_verifier_tokens_total{outcome=\"rejected\",reason=\"malformed\"}"));
        assertTrue(after.get("latchkey_verifier_tokens_total{outcome=\"verified\"}") >= 1);
    }

    @Test
    void stopWhenRequestInFlightThenItCompletesWith200WhileNewConnectionsAreRefused() {
        ResourceDemoVerticle second = new ResourceDemoVerticle(demoConfigOnPlainHttp(), metrics);
        String id = Await.result(vertx.deployVerticle(second));
        int port = second.port();
        WebClient plainClient = WebClient.create(vertx);
        try {
            Await.untilEquals("second demo ready", Duration.ofSeconds(10), 200, () -> Await.result(
                            plainClient.get(port, "127.0.0.1", "/health/ready").send())
                    .statusCode());
            // A token on a key the verifier has not seen yet waits for a JWKS refetch the upstream holds back.
            upstream.publish(NEXT_KEY);
            upstream.jwksDelay(1_500);
            // The verifier refetches at most every 100 ms; its start-up fetch may be more recent than that.
            Await.until(
                    "a refetch is allowed",
                    Duration.ofSeconds(5),
                    () -> upstream.sinceLastJwksFetch().toMillis() > 200);
            int fetches = upstream.jwksFetches();
            Future<HttpResponse<Buffer>> inFlight = plainClient
                    .get(port, "127.0.0.1", "/api/me")
                    .putHeader(
                            "Authorization",
                            "Bearer "
                                    + TestTokens.valid(NEXT_KEY, upstream.issuer())
                                            .sign())
                    .send();
            Await.until("JWKS refetch in flight", Duration.ofSeconds(10), () -> upstream.jwksFetches() > fetches);

            Future<Void> stopped = vertx.undeploy(id);

            Await.until("new connections refused", Duration.ofSeconds(5), () -> ServiceProcess.refused(port));
            assertFalse(inFlight.isComplete(), "the request is still in flight");
            HttpResponse<Buffer> response = Await.result(inFlight);
            assertEquals(200, response.statusCode());
            Await.result(stopped);
        } finally {
            upstream.jwksDelay(0);
            plainClient.close();
        }
    }

    private static ResourceDemoConfig demoConfigOnPlainHttp() {
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
                FakeUpstream.FEED_CLIENT_SECRET,
                "LATCHKEY_JWKS_REFETCH_INTERVAL",
                "100ms",
                "LATCHKEY_TLS_CA",
                caCertificate.toString())));
    }

    private static Map<String, Double> scrape() {
        HttpResponse<Buffer> response =
                Await.result(client.getAbs("https://localhost:" + demo.managementPort() + "/metrics")
                        .send());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.getHeader("Content-Type"));
        return PrometheusText.parse(response.bodyAsString());
    }

    private static String url(String path) {
        return "https://localhost:" + demo.port() + path;
    }

    private static HttpResponse<Buffer> get(String path, String token) {
        var request = client.getAbs(url(path));
        if (token != null) {
            request.putHeader("Authorization", "Bearer " + token);
        }
        return Await.result(request.send());
    }
}
