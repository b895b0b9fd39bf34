package io.latchkey.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.http.Hsts;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.TestPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Real handshakes against a throw-away CA: who gets in, who does not, and which protocol versions are spoken. */
@ExtendWith(VertxExtension.class)
class TlsHandshakeTest {
    @TempDir
    static Path dir;

    static TestPki pki;
    static TestPki otherPki;
    static TestPki.Issued server;

    private final AtomicInteger handled = new AtomicInteger();
    private HttpServer listener;
    private WebClient client;

    @BeforeAll
    static void issueCertificates() {
        pki = TestPki.create(dir, "latchkey-test-ca");
        otherPki = TestPki.create(dir, "someone-else-ca");
        server = pki.server("localhost", "127.0.0.1");
    }

    @AfterEach
    void close() throws Exception {
        if (client != null) {
            client.close();
        }
        if (listener != null) {
            Await.result(listener.close());
        }
    }

    @Test
    void getWhenClientTrustsTheCaThenHandshakeSucceedsOverTls13WithHsts(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.of(server.certificateChain(), server.privateKey()));
        client = client(vertx, ClientTls.trusting(pki.caCertificate()));

        HttpResponse<?> response = Await.result(
                client.getAbs("https://localhost:" + port + "/hello").send());

        assertEquals(200, response.statusCode());
        assertEquals("TLSv1.3 hello", response.bodyAsString());
        assertEquals("max-age=31536000", response.getHeader("Strict-Transport-Security"));
    }

    @Test
    void getWhenNoRouteMatchesThen404StillCarriesHsts(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.of(server.certificateChain(), server.privateKey()));
        client = client(vertx, ClientTls.trusting(pki.caCertificate()));

        HttpResponse<?> response = Await.result(
                client.getAbs("https://localhost:" + port + "/missing").send());

        assertEquals(404, response.statusCode());
        assertEquals("max-age=31536000", response.getHeader("Strict-Transport-Security"));
    }

    @Test
    void getWhenClientOffersOnlyTls12ThenTls12IsAccepted(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.of(server.certificateChain(), server.privateKey()));
        WebClientOptions options = ClientTls.trusting(pki.caCertificate()).applyTo(new WebClientOptions());
        options.setEnabledSecureTransportProtocols(Set.of("TLSv1.2"));
        client = WebClient.create(vertx, options);

        HttpResponse<?> response = Await.result(
                client.getAbs("https://localhost:" + port + "/hello").send());

        assertEquals("TLSv1.2 hello", response.bodyAsString());
    }

    @Test
    void getWhenClientOffersOnlyTls11ThenHandshakeFails(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.of(server.certificateChain(), server.privateKey()));
        WebClientOptions options = ClientTls.trusting(pki.caCertificate()).applyTo(new WebClientOptions());
        options.setEnabledSecureTransportProtocols(Set.of("TLSv1.1"));
        client = WebClient.create(vertx, options);

        Await.failure(client.getAbs("https://localhost:" + port + "/hello").send());

        assertEquals(0, handled.get());
    }

    @Test
    void plainHttpRequestToTlsListenerFails(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.of(server.certificateChain(), server.privateKey()));
        client = client(vertx, ClientTls.trusting(pki.caCertificate()));

        Await.failure(client.getAbs("http://localhost:" + port + "/hello").send());

        assertEquals(0, handled.get());
    }

    @Test
    void getWhenClientTrustsAnotherCaThenHandshakeIsRefused(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.of(server.certificateChain(), server.privateKey()));
        client = client(vertx, ClientTls.trusting(otherPki.caCertificate()));

        Throwable failure = Await.failure(
                client.getAbs("https://localhost:" + port + "/hello").send());

        assertInstanceOf(SSLHandshakeException.class, failure);
        assertEquals(0, handled.get());
    }

    @Test
    void getWhenHostNameIsNotInTheCertificateThenHandshakeIsRefused(Vertx vertx) throws Exception {
        TestPki.Issued elsewhere = pki.server("auth.example.com");
        int port = listen(vertx, ServerTls.of(elsewhere.certificateChain(), elsewhere.privateKey()));
        client = client(vertx, ClientTls.trusting(pki.caCertificate()));

        Throwable failure = Await.failure(
                client.getAbs("https://localhost:" + port + "/hello").send());

        assertInstanceOf(SSLHandshakeException.class, failure);
        assertEquals(0, handled.get());
    }

    @Test
    void getWhenMutualTlsRequiredAndCallerHasNoCertificateThenRefused(Vertx vertx) throws Exception {
        int port = listen(
                vertx,
                ServerTls.of(server.certificateChain(), server.privateKey())
                        .requiringClientCertificates(pki.caCertificate()));
        client = client(vertx, ClientTls.trusting(pki.caCertificate()));

        Await.failure(client.getAbs("https://localhost:" + port + "/hello").send());

        assertEquals(0, handled.get());
    }

    @Test
    void getWhenMutualTlsRequiredAndCallerCertificateFromAnotherCaThenRefused(Vertx vertx) throws Exception {
        int port = listen(
                vertx,
                ServerTls.of(server.certificateChain(), server.privateKey())
                        .requiringClientCertificates(pki.caCertificate()));
        TestPki.Issued stranger = otherPki.client("auth-server");
        client = client(
                vertx,
                ClientTls.trusting(pki.caCertificate()).presenting(stranger.certificateChain(), stranger.privateKey()));

        Await.failure(client.getAbs("https://localhost:" + port + "/hello").send());

        assertEquals(0, handled.get());
    }

    @Test
    void getWhenMutualTlsRequiredAndCallerPresentsCertificateThenServed(Vertx vertx) throws Exception {
        int port = listen(
                vertx,
                ServerTls.of(server.certificateChain(), server.privateKey())
                        .requiringClientCertificates(pki.caCertificate()));
        TestPki.Issued caller = pki.client("auth-server");
        client = client(
                vertx,
                ClientTls.trusting(pki.caCertificate()).presenting(caller.certificateChain(), caller.privateKey()));

        HttpResponse<?> response = Await.result(
                client.getAbs("https://localhost:" + port + "/hello").send());

        assertEquals(200, response.statusCode());
        assertEquals(1, handled.get());
    }

    @Test
    void getWhenTlsOffThenPlainHttpAndNoHsts(Vertx vertx) throws Exception {
        int port = listen(vertx, ServerTls.off());
        client = client(vertx, ClientTls.defaults());

        HttpResponse<?> response = Await.result(
                client.getAbs("http://localhost:" + port + "/hello").send());

        assertEquals("plain hello", response.bodyAsString());
        assertNull(response.getHeader("Strict-Transport-Security"));
        assertTrue(handled.get() == 1);
    }

    private int listen(Vertx vertx, ServerTls tls) throws Exception {
        Router router = Router.router(vertx);
        router.get("/hello").handler(ctx -> {
            handled.incrementAndGet();
            String protocol = ctx.request().isSSL()
                    ? ctx.request().connection().sslSession().getProtocol()
                    : "plain";
            ctx.response().end(protocol + " hello");
        });
        Hsts.mount(router, tls);
        listener = Await.result(vertx.createHttpServer(tls.applyTo(new HttpServerOptions().setHost("127.0.0.1")))
                .requestHandler(router)
                .listen(0));
        return listener.actualPort();
    }

    private static WebClient client(Vertx vertx, ClientTls tls) {
        return WebClient.create(vertx, tls.applyTo(new WebClientOptions()));
    }
}
