package io.latchkey.common.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.TestPki;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {
    @TempDir
    static Path dir;

    static TestPki pki;
    static TestPki.Issued server;
    static TestPki.Issued client;

    @BeforeAll
    static void issue() {
        pki = TestPki.create(dir, "settings-ca");
        server = pki.server("localhost");
        client = pki.client("auth-server");
    }

    @Test
    void serverTlsWhenNothingSetThenOffAndOptionsUntouched() {
        ServerTls tls = ServerTls.from(new Env(Map.of()));

        HttpServerOptions options = tls.applyTo(new HttpServerOptions());

        assertFalse(tls.enabled());
        assertFalse(options.isSsl());
        assertEquals("http", tls.scheme());
    }

    @Test
    void serverTlsWhenCertAndKeySetThenTls12And13Only() {
        ServerTls tls = ServerTls.from(new Env(Map.of(
                "LATCHKEY_TLS_CERT", server.certificateChain().toString(),
                "LATCHKEY_TLS_KEY", server.privateKey().toString())));

        HttpServerOptions options = tls.applyTo(new HttpServerOptions());

        assertTrue(options.isSsl());
        assertEquals(Set.of("TLSv1.2", "TLSv1.3"), options.getEnabledSecureTransportProtocols());
        assertEquals(ClientAuth.NONE, options.getClientAuth());
        assertEquals("https", tls.scheme());
    }

    @Test
    void serverTlsWhenOnlyCertSetThenKeyNamedAsMissing() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ServerTls.from(new Env(
                        Map.of("LATCHKEY_TLS_CERT", server.certificateChain().toString()))));

        assertEquals("LATCHKEY_TLS_KEY: is required when LATCHKEY_TLS_CERT is set", e.getMessage());
    }

    @Test
    void serverTlsWhenOnlyKeySetThenCertNamedAsMissing() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ServerTls.from(
                        new Env(Map.of("LATCHKEY_TLS_KEY", server.privateKey().toString()))));

        assertEquals("LATCHKEY_TLS_CERT: is required when LATCHKEY_TLS_KEY is set", e.getMessage());
    }

    @Test
    void serverTlsWhenFileMissingThenVariableNamedWithoutItsValue() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ServerTls.from(new Env(Map.of(
                        "LATCHKEY_TLS_CERT", dir.resolve("nowhere.pem").toString(),
                        "LATCHKEY_TLS_KEY", server.privateKey().toString()))));

        assertEquals("LATCHKEY_TLS_CERT: must name a readable PEM file", e.getMessage());
    }

    @Test
    void mutualTlsWhenCaSetThenClientCertificatesRequired() {
        ServerTls tls = ServerTls.mutualFrom(new Env(Map.of(
                "LATCHKEY_TLS_CERT", server.certificateChain().toString(),
                "LATCHKEY_TLS_KEY", server.privateKey().toString(),
                "LATCHKEY_TLS_CA", pki.caCertificate().toString())));

        HttpServerOptions options = tls.applyTo(new HttpServerOptions());

        assertEquals(ClientAuth.REQUIRED, options.getClientAuth());
        assertEquals(Optional.of(pki.caCertificate()), tls.clientCa());
    }

    @Test
    void mutualTlsWhenCaSetWithoutServerCertificateThenRefused() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ServerTls.mutualFrom(
                        new Env(Map.of("LATCHKEY_TLS_CA", pki.caCertificate().toString()))));

        assertEquals(
                "LATCHKEY_TLS_CA: requires LATCHKEY_TLS_CERT and LATCHKEY_TLS_KEY on this listener", e.getMessage());
    }

    @Test
    void clientTlsWhenCaAndClientCertificateSetThenBothApplied() {
        ClientTls tls = ClientTls.from(new Env(Map.of(
                "LATCHKEY_TLS_CA", pki.caCertificate().toString(),
                "LATCHKEY_TLS_CLIENT_CERT", client.certificateChain().toString(),
                "LATCHKEY_TLS_CLIENT_KEY", client.privateKey().toString())));

        WebClientOptions options = tls.applyTo(new WebClientOptions());

        assertTrue(options.isVerifyHost());
        assertTrue(options.getTrustOptions() != null);
        assertTrue(options.getKeyCertOptions() != null);
        assertEquals(Set.of("TLSv1.2", "TLSv1.3"), options.getEnabledSecureTransportProtocols());
    }

    @Test
    void clientTlsWhenOnlyClientKeySetThenCertNamedAsMissing() {
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> ClientTls.from(new Env(
                        Map.of("LATCHKEY_TLS_CLIENT_KEY", client.privateKey().toString()))));

        assertEquals("LATCHKEY_TLS_CLIENT_CERT: is required when LATCHKEY_TLS_CLIENT_KEY is set", e.getMessage());
    }

    @Test
    void clientTlsWhenNothingSetThenJvmTrustStoreAndNoCertificate() {
        WebClientOptions options = ClientTls.from(new Env(Map.of())).applyTo(new WebClientOptions());

        assertEquals(null, options.getTrustOptions());
        assertEquals(null, options.getKeyCertOptions());
        assertFalse(options.isTrustAll());
    }
}
