package io.latchkey.common.tls;

import io.latchkey.common.config.Env;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a Latchkey HTTP client trusts and presents: {@code LATCHKEY_TLS_CA} (a PEM bundle of CA certificates that
 * replaces the JVM's trust store for that client) and, for mutual TLS, {@code LATCHKEY_TLS_CLIENT_CERT} and
 * {@code LATCHKEY_TLS_CLIENT_KEY} (both or neither). Host names are always verified and nothing is ever trusted
 * blindly; without a CA bundle the JVM's default trust store applies. Whether a request uses TLS follows its URL's
 * scheme.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9325">RFC 9325 (TLS recommendations)</a>
 */
public record ClientTls(Optional<Path> caBundle, Optional<Path> clientCertificate, Optional<Path> clientKey) {
    public static final String CA = "LATCHKEY_TLS_CA";
    public static final String CLIENT_CERT = "LATCHKEY_TLS_CLIENT_CERT";
    public static final String CLIENT_KEY = "LATCHKEY_TLS_CLIENT_KEY";

    public ClientTls {
        if (clientCertificate.isPresent() != clientKey.isPresent()) {
            throw new IllegalArgumentException("a client certificate needs its private key and the other way round");
        }
    }

    /** The JVM's trust store, no client certificate. */
    public static ClientTls defaults() {
        return new ClientTls(Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Trusts only the CAs in {@code caBundle}. */
    public static ClientTls trusting(Path caBundle) {
        return new ClientTls(Optional.of(caBundle), Optional.empty(), Optional.empty());
    }

    public static ClientTls from(Env env) {
        Optional<Path> cert = PemFiles.optional(env, CLIENT_CERT);
        Optional<Path> key = PemFiles.optional(env, CLIENT_KEY);
        PemFiles.bothOrNeither(CLIENT_CERT, cert, CLIENT_KEY, key);
        return new ClientTls(PemFiles.optional(env, CA), cert, key);
    }

    /** The same trust, presenting {@code certificateChain} when a server asks for a client certificate. */
    public ClientTls presenting(Path certificateChain, Path privateKey) {
        return new ClientTls(caBundle, Optional.of(certificateChain), Optional.of(privateKey));
    }

    /**
     * Applies the trust and the client certificate to {@code options} ({@code HttpClientOptions} or
     * {@code WebClientOptions}) and limits TLS to 1.2 and 1.3; returns the same options.
     */
    public <T extends HttpClientOptions> T applyTo(T options) {
        options.setVerifyHost(true);
        options.setEnabledSecureTransportProtocols(TlsProtocols.ENABLED);
        caBundle.ifPresent(ca -> options.setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        clientCertificate.ifPresent(cert -> options.setKeyCertOptions(new PemKeyCertOptions()
                .setCertPath(cert.toString())
                .setKeyPath(clientKey.get().toString())));
        return options;
    }
}
