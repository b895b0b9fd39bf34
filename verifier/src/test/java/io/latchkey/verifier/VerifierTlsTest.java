package io.latchkey.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.TestPki;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.common.tls.ServerTls;
import io.latchkey.verifier.jwks.JwksCache;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.ProtectedTestApp;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetServer;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The verifier's back channel over HTTPS: it trusts the configured CA bundle and nothing else, so a JWKS served
 * with a certificate from another CA is never loaded and no token is accepted on its keys.
 */
@ExtendWith(VertxExtension.class)
class VerifierTlsTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final Duration BOUND = Duration.ofSeconds(5);
    private static final Duration REFETCH = Duration.ofMillis(200);

    @TempDir
    static Path dir;

    static TestPki pki;
    static TestPki otherPki;

    private ProtectedTestApp app;
    private WebClient client;

    @BeforeAll
    static void issue() {
        pki = TestPki.create(dir, "latchkey-ca");
        otherPki = TestPki.create(dir, "other-ca");
    }

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
    }

    @Test
    void verifyWhenMetadataFeedAndJwksServedWithTrustedCaThenTokenAccepted(Vertx vertx) {
        FakeUpstream upstream = upstream(vertx, pki);
        startApp(
                vertx,
                ProtectedTestApp.settings(upstream, BOUND, REFETCH).withTls(ClientTls.trusting(pki.caCertificate())));

        String token = TestTokens.valid(KEY, upstream.issuer()).sign();

        Await.untilEquals("accepted over HTTPS", Duration.ofSeconds(10), 200, () -> status(token));
        assertTrue(app.verifier().metrics().jwksRefreshes(JwksCache.Refresh.LOADED) >= 1);
        assertEquals("https", URI.create(upstream.issuer()).getScheme());
    }

    @Test
    void verifyWhenJwksServedWithCertificateFromAnotherCaThenKeysNeverLoadAndTokenRefused(Vertx vertx) {
        FakeUpstream upstream = upstream(vertx, pki);
        FakeUpstream impostor = upstream(vertx, otherPki);
        CountingFront front = CountingFront.before(vertx, impostor);
        VerifierSettings base = ProtectedTestApp.settings(upstream, BOUND, REFETCH);
        startApp(
                vertx,
                new VerifierSettings(
                                base.issuer(),
                                base.audience(),
                                base.feedClientId(),
                                base.feedClientSecret(),
                                base.authServerUrls(),
                                Optional.of(URI.create(front.url() + "/.well-known/jwks.json")),
                                BOUND)
                        .tuned(BOUND, REFETCH, 1_000)
                        .withTls(ClientTls.trusting(pki.caCertificate())));
        String token = TestTokens.valid(KEY, upstream.issuer()).sign();

        // The feed over the trusted certificate loads; the JWKS is tried, refused at the handshake, and retried.
        Await.until("revocation feed followed", Duration.ofSeconds(10), () -> upstream.streamsOpened() >= 1);
        Await.until("JWKS tried twice", Duration.ofSeconds(10), () -> front.connections() >= 2);
        assertEquals(503, status(token));
        assertFalse(app.verifier().ready());
        assertEquals(0, impostor.jwksFetches());
        Map<String, Double> counters = PrometheusText.parse(app.verifier().metricsText());
        assertTrue(counters.get("latchkey_verifier_jwks_refreshes_total{outcome=\"failed\"}") >= 1);
        assertEquals(0.0, counters.get("latchkey_verifier_jwks_refreshes_total{outcome=\"loaded\"}"));
    }

    @Test
    void verifyWhenVerifierTrustsOnlyTheJvmStoreThenTestCaUpstreamIsRefused(Vertx vertx) {
        FakeUpstream upstream = upstream(vertx, pki);
        CountingFront front = CountingFront.before(vertx, upstream);
        VerifierSettings base = ProtectedTestApp.settings(upstream, BOUND, REFETCH);
        startApp(
                vertx,
                new VerifierSettings(
                                base.issuer(),
                                base.audience(),
                                base.feedClientId(),
                                base.feedClientSecret(),
                                List.of(URI.create(front.url())),
                                Optional.empty(),
                                BOUND)
                        .tuned(BOUND, REFETCH, 1_000));
        String token = TestTokens.valid(KEY, upstream.issuer()).sign();

        Await.until("discovery tried twice", Duration.ofSeconds(10), () -> front.connections() >= 2);
        assertEquals(503, status(token));
        assertEquals(0, upstream.jwksFetches());
        assertEquals(0, upstream.streamsOpened());
    }

    private FakeUpstream upstream(Vertx vertx, TestPki ca) {
        TestPki.Issued certificate = ca.server("localhost", "127.0.0.1");
        FakeUpstream upstream = new FakeUpstream(100, 300, KEY)
                .servedWith(ServerTls.of(certificate.certificateChain(), certificate.privateKey()));
        Await.result(vertx.deployVerticle(upstream));
        return upstream;
    }

    private void startApp(Vertx vertx, VerifierSettings settings) {
        app = new ProtectedTestApp(settings);
        Await.result(vertx.deployVerticle(app));
        client = WebClient.create(vertx);
    }

    private int status(String token) {
        return Await.result(client.get(app.port(), "127.0.0.1", "/protected")
                        .putHeader("Authorization", "Bearer " + token)
                        .send())
                .statusCode();
    }

    /**
     * A plain TCP relay in front of an upstream that counts connections, so a test can wait until the verifier has
     * really tried (and failed) a handshake instead of guessing how long that takes.
     */
    private static final class CountingFront {
        private final AtomicInteger connections = new AtomicInteger();
        private final NetServer server;

        private CountingFront(Vertx vertx, int upstreamPort) {
            NetClient relay = vertx.createNetClient();
            server = vertx.createNetServer().connectHandler(socket -> {
                connections.incrementAndGet();
                socket.pause();
                relay.connect(upstreamPort, "127.0.0.1")
                        .onSuccess(back -> {
                            socket.pipeTo(back);
                            back.pipeTo(socket);
                            socket.resume();
                        })
                        .onFailure(e -> socket.close());
            });
        }

        static CountingFront before(Vertx vertx, FakeUpstream upstream) {
            CountingFront front =
                    new CountingFront(vertx, URI.create(upstream.url()).getPort());
            Await.result(front.server.listen(0, "127.0.0.1"));
            return front;
        }

        String url() {
            return "https://127.0.0.1:" + server.actualPort();
        }

        int connections() {
            return connections.get();
        }
    }
}
