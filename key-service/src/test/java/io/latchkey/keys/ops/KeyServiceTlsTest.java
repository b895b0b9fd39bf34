package io.latchkey.keys.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.TestPki;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * key-service as it runs in production: both listeners on HTTPS from PEM files with HSTS, the internal listener
 * demanding a client certificate from the configured CA on top of the internal secret, request ids echoed, and
 * {@code /metrics} as one Prometheus text with HTTP server metrics and the signing counters.
 */
class KeyServiceTlsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    @TempDir
    static Path dir;

    static Vertx vertx;
    static KeyServiceConfig config;
    static KeyServiceVerticle service;
    static TestPki pki;
    static WebClient withClientCertificate;
    static WebClient withoutClientCertificate;
    static WebClient withForeignClientCertificate;

    @BeforeAll
    static void start() {
        pki = TestPki.create(dir, "key-service-test-ca");
        TestPki.Issued server = pki.server("localhost", "127.0.0.1");
        TestPki.Issued authServer = pki.client("auth-server");
        TestPki foreign = TestPki.create(dir, "foreign-ca");
        TestPki.Issued stranger = foreign.client("auth-server");
        config = TestKeyService.on(db.url())
                .set("LATCHKEY_TLS_CERT", server.certificateChain().toString())
                .set("LATCHKEY_TLS_KEY", server.privateKey().toString())
                .set("LATCHKEY_TLS_CA", pki.caCertificate().toString())
                .build();
        ServiceMetrics metrics = ServiceMetrics.create();
        vertx = metrics.vertx(new VertxOptions());
        service = new KeyServiceVerticle(config, metrics);
        Await.result(vertx.deployVerticle(service));
        ClientTls trusting = ClientTls.trusting(pki.caCertificate());
        withoutClientCertificate = WebClient.create(vertx, trusting.applyTo(new WebClientOptions()));
        withClientCertificate = WebClient.create(
                vertx,
                trusting.presenting(authServer.certificateChain(), authServer.privateKey())
                        .applyTo(new WebClientOptions()));
        withForeignClientCertificate = WebClient.create(
                vertx,
                trusting.presenting(stranger.certificateChain(), stranger.privateKey())
                        .applyTo(new WebClientOptions()));
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void jwksWhenFetchedOverHttpsTrustingTheCaThenServedWithHstsAndARequestId() {
        HttpResponse<Buffer> response = Await.result(withoutClientCertificate
                .getAbs("https://localhost:" + service.publicPort() + "/.well-known/jwks.json")
                .putHeader("X-Request-Id", "jwks-1")
                .send());

        assertEquals(200, response.statusCode());
        assertEquals(
                List.of("RS256", "ES256"),
                response.bodyAsJsonObject().getJsonArray("keys").stream()
                        .map(k -> ((JsonObject) k).getString("alg"))
                        .toList(),
                "one key per ring");
        assertEquals("max-age=31536000", response.getHeader("Strict-Transport-Security"));
        assertEquals("jwks-1", response.getHeader("X-Request-Id"));
    }

    @Test
    void jwksWhenRequestedOverPlainHttpThenTheTlsListenerRefusesIt() {
        Future<HttpResponse<Buffer>> plain = WebClient.create(vertx)
                .getAbs("http://127.0.0.1:" + service.publicPort() + "/.well-known/jwks.json")
                .send();

        Await.until("plain request settled", Duration.ofSeconds(10), plain::isComplete);
        assertTrue(plain.failed(), "a plain HTTP request to a TLS listener fails");
    }

    @Test
    void signWhenCallerPresentsAClientCertificateOfTheCaThenSigned() {
        HttpResponse<Buffer> response = sign(withClientCertificate);

        assertEquals(200, response.statusCode());
        assertNotNull(response.bodyAsJsonObject().getString("token"));
        assertEquals("max-age=31536000", response.getHeader("Strict-Transport-Security"));
    }

    @Test
    void signWhenCallerPresentsNoClientCertificateThenTheHandshakeIsRefused() {
        Future<HttpResponse<Buffer>> attempt = signAsync(withoutClientCertificate);

        Await.until("request settled", Duration.ofSeconds(10), attempt::isComplete);
        assertTrue(attempt.failed(), "no client certificate, no connection, even with the internal secret");
    }

    @Test
    void signWhenCallerPresentsACertificateOfAnotherCaThenTheHandshakeIsRefused() {
        Future<HttpResponse<Buffer>> attempt = signAsync(withForeignClientCertificate);

        Await.until("request settled", Duration.ofSeconds(10), attempt::isComplete);
        assertTrue(attempt.failed(), "a certificate from another CA is refused");
    }

    @Test
    void metricsWhenScrapedThenOnePrometheusTextWithHttpServerMetricsSigningCountersAndKeyLife() {
        Map<String, Double> before = scrape();

        assertEquals(200, sign(withClientCertificate).statusCode());

        Map<String, Double> after = scrape();
        assertEquals(
                before.get("latchkey_key_service_sign_requests_total{outcome=\"signed\"}") + 1,
                after.get("latchkey_key_service_sign_requests_total{outcome=\"signed\"}"));
        assertEquals(
                before.get("latchkey_key_service_signing_seconds_count") + 1,
                after.get("latchkey_key_service_signing_seconds_count"));
        for (String alg : List.of("RS256", "ES256")) {
            double age = after.get("latchkey_key_service_active_key_age_seconds{alg=\"" + alg + "\"}");
            assertTrue(age >= 0 && age < 300, "the key made at start is minutes old at most: " + age);
            double next = after.get("latchkey_key_service_next_rotation_seconds{alg=\"" + alg + "\"}");
            assertTrue(next > 29 * 24 * 3600 && next <= 30 * 24 * 3600, "the next key in about 30 days: " + next);
        }
        assertTrue(
                PrometheusText.sum(after, "vertx_http_server_requests_total", "code=\"200\"")
                        > PrometheusText.sum(before, "vertx_http_server_requests_total", "code=\"200\""),
                "HTTP server metrics count the requests");
    }

    private static Map<String, Double> scrape() {
        HttpResponse<Buffer> response = Await.result(withClientCertificate
                .getAbs("https://localhost:" + service.managementPort() + "/metrics")
                .send());
        assertEquals(200, response.statusCode());
        assertEquals(ServiceMetrics.CONTENT_TYPE, response.getHeader("Content-Type"));
        return PrometheusText.parse(response.bodyAsString());
    }

    private static HttpResponse<Buffer> sign(WebClient client) {
        return Await.result(signAsync(client));
    }

    private static Future<HttpResponse<Buffer>> signAsync(WebClient client) {
        JsonObject request =
                TestTokens.valid().lifetime(config.accessTokenTtl()).request();
        return client.postAbs(internalUrl("/internal/sign"))
                .putHeader("Authorization", "Bearer " + config.internalSecret())
                .sendJsonObject(request);
    }

    private static String internalUrl(String path) {
        return "https://localhost:" + service.internalPort() + path;
    }
}
