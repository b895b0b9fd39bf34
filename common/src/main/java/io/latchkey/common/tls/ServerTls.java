package io.latchkey.common.tls;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.util.Optional;

/**
 * TLS for a listener from PEM files: {@code LATCHKEY_TLS_CERT} (the certificate chain, leaf first) and
 * {@code LATCHKEY_TLS_KEY} (its private key, PKCS#8 or PKCS#1), both or neither. When off, {@link #applyTo} leaves
 * the options as they are (plain HTTP, for a laptop); when on, only TLS 1.2 and 1.3 are offered. A listener that
 * also sets a client CA requires every caller to present a certificate it signed (mutual TLS).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9325">RFC 9325 (TLS recommendations)</a>
 */
public record ServerTls(Optional<Path> certificateChain, Optional<Path> privateKey, Optional<Path> clientCa) {
    public static final String CERT = "LATCHKEY_TLS_CERT";
    public static final String KEY = "LATCHKEY_TLS_KEY";

    public ServerTls {
        if (certificateChain.isPresent() != privateKey.isPresent()) {
            throw new IllegalArgumentException("a certificate chain needs its private key and the other way round");
        }
        if (clientCa.isPresent() && certificateChain.isEmpty()) {
            throw new IllegalArgumentException("client certificates need TLS");
        }
    }

    /** Plain HTTP. */
    public static ServerTls off() {
        return new ServerTls(Optional.empty(), Optional.empty(), Optional.empty());
    }

    public static ServerTls of(Path certificateChain, Path privateKey) {
        return new ServerTls(Optional.of(certificateChain), Optional.of(privateKey), Optional.empty());
    }

    /** {@code LATCHKEY_TLS_CERT} and {@code LATCHKEY_TLS_KEY}, both or neither. */
    public static ServerTls from(Env env) {
        Optional<Path> cert = PemFiles.optional(env, CERT);
        Optional<Path> key = PemFiles.optional(env, KEY);
        PemFiles.bothOrNeither(CERT, cert, KEY, key);
        return new ServerTls(cert, key, Optional.empty());
    }

    /**
     * As {@link #from}, and when {@code LATCHKEY_TLS_CA} is set, callers must present a client certificate signed
     * by that CA (key-service's internal listener).
     */
    public static ServerTls mutualFrom(Env env) {
        ServerTls tls = from(env);
        Optional<Path> ca = PemFiles.optional(env, ClientTls.CA);
        if (ca.isPresent() && !tls.enabled()) {
            throw new ConfigException(ClientTls.CA, "requires " + CERT + " and " + KEY + " on this listener");
        }
        return new ServerTls(tls.certificateChain, tls.privateKey, ca);
    }

    /** The same server certificate, and callers must present a certificate signed by {@code ca}. */
    public ServerTls requiringClientCertificates(Path ca) {
        return new ServerTls(certificateChain, privateKey, Optional.of(ca));
    }

    public boolean enabled() {
        return certificateChain.isPresent();
    }

    /** The scheme clients use to reach this listener. */
    public String scheme() {
        return enabled() ? "https" : "http";
    }

    /** Turns TLS on in {@code options} when configured; returns the same options for chaining. */
    public HttpServerOptions applyTo(HttpServerOptions options) {
        if (!enabled()) {
            return options;
        }
        options.setSsl(true)
                .setKeyCertOptions(new PemKeyCertOptions()
                        .setCertPath(certificateChain.get().toString())
                        .setKeyPath(privateKey.get().toString()))
                .setEnabledSecureTransportProtocols(TlsProtocols.ENABLED);
        clientCa.ifPresent(ca -> options.setClientAuth(ClientAuth.REQUIRED)
                .setTrustOptions(new PemTrustOptions().addCertPath(ca.toString())));
        return options;
    }
}
