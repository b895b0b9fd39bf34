package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.config.Env;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.TestPki;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.sqlclient.Pool;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * auth-server as it runs in production: HTTPS from PEM files with HSTS, its key-service client trusting the CA
 * bundle and presenting a client certificate to key-service's mutual-TLS internal listener, {@code https} URLs in
 * the metadata because the issuer and {@code jwks_uri} are set so, request ids echoed, and {@code /metrics} as one
 * Prometheus text with HTTP server metrics and the token counter.
 */
class AuthServerTlsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ISSUER = "https://localhost:8443";
    static final String JWKS_URI = "https://localhost:8444/.well-known/jwks.json";

    @TempDir
    static Path dir;

    static Vertx vertx;
    static Pool pool;
    static KeyServiceVerticle keyService;
    static AuthServerVerticle auth;
    static AuthServerVerticle authWithoutClientCertificate;
    static WebClient client;

    @BeforeAll
    static void start() {
        TestPki pki = TestPki.create(dir, "auth-test-ca");
        TestPki.Issued keyServiceCertificate = pki.server("localhost", "127.0.0.1");
        TestPki.Issued authCertificate = pki.server("localhost", "127.0.0.1");
        TestPki.Issued authClientCertificate = pki.client("auth-server");
        ServiceMetrics metrics = ServiceMetrics.create();
        vertx = metrics.vertx(new VertxOptions());

        Map<String, String> keyEnv = TestStack.keyServiceEnv(db.url(), ISSUER);
        keyEnv.put("LATCHKEY_TLS_CERT", keyServiceCertificate.certificateChain().toString());
        keyEnv.put("LATCHKEY_TLS_KEY", keyServiceCertificate.privateKey().toString());
        keyEnv.put("LATCHKEY_TLS_CA", pki.caCertificate().toString());
        keyService = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        Await.result(vertx.deployVerticle(keyService));

        Map<String, String> env = TestAuthServer.env(db);
        env.put("LATCHKEY_ISSUER", ISSUER);
        env.put("LATCHKEY_JWKS_URI", JWKS_URI);
        env.put("LATCHKEY_KEY_SERVICE_URL", "https://localhost:" + keyService.internalPort());
        env.put("LATCHKEY_TLS_CERT", authCertificate.certificateChain().toString());
        env.put("LATCHKEY_TLS_KEY", authCertificate.privateKey().toString());
        env.put("LATCHKEY_TLS_CA", pki.caCertificate().toString());
        Map<String, String> anonymous = new HashMap<>(env);
        env.put(
                "LATCHKEY_TLS_CLIENT_CERT",
                authClientCertificate.certificateChain().toString());
        env.put("LATCHKEY_TLS_CLIENT_KEY", authClientCertificate.privateKey().toString());
        auth = new AuthServerVerticle(AuthServerConfig.from(new Env(env)), metrics);
        Await.result(vertx.deployVerticle(auth));
        authWithoutClientCertificate = new AuthServerVerticle(AuthServerConfig.from(new Env(anonymous)));
        Await.result(vertx.deployVerticle(authWithoutClientCertificate));

        pool = db.pool(vertx);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        client = WebClient.create(vertx, ClientTls.trusting(pki.caCertificate()).applyTo(new WebClientOptions()));
    }

    @AfterAll
    static void stop() {
        client.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void tokenWhenRequestedOverHttpsThenSignedThroughMutualTlsWithHstsAndTheCallersRequestId() {
        HttpResponse<Buffer> response = token(auth, "token-over-tls-1");

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertNotNull(response.bodyAsJsonObject().getString("access_token"));
        assertEquals("max-age=31536000", response.getHeader("Strict-Transport-Security"));
        assertEquals("token-over-tls-1", response.getHeader("X-Request-Id"));
    }

    @Test
    void tokenWhenAuthServerPresentsNoClientCertificateThenKeyServiceRefusesItAndSigningIsUnavailable() {
        HttpResponse<Buffer> response = token(authWithoutClientCertificate, null);

        assertEquals(503, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "temporarily_unavailable")
                        .put("error_description", "Token signing is unavailable"),
                response.bodyAsJsonObject());
    }

    @Test
    void metadataWhenIssuerAndJwksUriAreHttpsThenEveryAdvertisedUrlIsHttps() {
        JsonObject metadata = Await.result(client.getAbs(url(auth, "/.well-known/oauth-authorization-server"))
                        .send())
                .bodyAsJsonObject();

        assertEquals(ISSUER, metadata.getString("issuer"));
        assertEquals(ISSUER + "/oauth2/token", metadata.getString("token_endpoint"));
        assertEquals(JWKS_URI, metadata.getString("jwks_uri"));
        assertEquals(ISSUER + "/oauth2/revoke", metadata.getString("revocation_endpoint"));
        assertEquals(ISSUER + "/oauth2/introspect", metadata.getString("introspection_endpoint"));
        assertEquals(ISSUER + "/revocations", metadata.getString("revocation_list_endpoint"));
    }

    @Test
    void requestWhenSentOverPlainHttpThenTheTlsListenerRefusesIt() {
        Future<HttpResponse<Buffer>> plain = WebClient.create(vertx)
                .getAbs("http://127.0.0.1:" + auth.port() + "/health/live")
                .send();

        Await.until("the plain request's end", Duration.ofSeconds(10), plain::isComplete);
        assertTrue(plain.failed(), "a plain HTTP request to a TLS listener fails");
    }

    @Test
    void metricsWhenScrapedThenOnePrometheusTextAndTheTokenCounterMovesAfterATokenRequest() {
        Map<String, Double> before = scrape();

        assertEquals(200, token(auth, null).statusCode());

        Map<String, Double> after = scrape();
        String issued = "latchkey_tokens_issued_total{grant=\"client_credentials\",outcome=\"issued\"}";
        assertEquals(before.getOrDefault(issued, 0.0) + 1, after.get(issued));
        assertTrue(
                PrometheusText.sum(after, "vertx_http_server_requests_total")
                        > PrometheusText.sum(before, "vertx_http_server_requests_total"),
                "HTTP server metrics count the requests");
        assertEquals(0.0, after.get("latchkey_refresh_reuse_total"));
    }

    @Test
    void metricsWhenAnAccessTokenIsRevokedThenARevocationEntryIsCounted() {
        String accessToken = token(auth, null).bodyAsJsonObject().getString("access_token");
        Map<String, Double> before = scrape();

        HttpResponse<Buffer> revoked = Await.result(client.postAbs(url(auth, "/oauth2/revoke"))
                .putHeader("Authorization", TestAuthServer.basic("svc", TestClients.secretOf("svc")))
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("token=" + accessToken)));

        assertEquals(200, revoked.statusCode());
        String entries = "latchkey_revocation_entries_total{type=\"jti\"}";
        assertEquals(before.getOrDefault(entries, 0.0) + 1, scrape().get(entries));
    }

    private static Map<String, Double> scrape() {
        HttpResponse<Buffer> response =
                Await.result(client.getAbs("https://localhost:" + auth.managementPort() + "/metrics")
                        .send());
        assertEquals(200, response.statusCode());
        assertEquals(ServiceMetrics.CONTENT_TYPE, response.getHeader("Content-Type"));
        return PrometheusText.parse(response.bodyAsString());
    }

    private static HttpResponse<Buffer> token(AuthServerVerticle server, String requestId) {
        var request = client.postAbs(url(server, "/oauth2/token"))
                .putHeader("Authorization", TestAuthServer.basic("svc", TestClients.secretOf("svc")))
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        if (requestId != null) {
            request.putHeader("X-Request-Id", requestId);
        }
        return Await.result(request.sendBuffer(Buffer.buffer("grant_type=client_credentials")));
    }

    private static String url(AuthServerVerticle server, String path) {
        return "https://localhost:" + server.port() + path;
    }
}
