package io.latchkey.auth.config;

import io.latchkey.auth.feed.FeedSettings;
import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.config.Secrets;
import io.latchkey.common.http.ListenerSettings;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.common.tls.ServerTls;
import io.latchkey.db.DatabaseSettings;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * auth-server settings, read and checked once at start. {@code tls} is the listener's (HTTPS when
 * {@code LATCHKEY_TLS_CERT} is set); {@code keyServiceTls} is what the key-service client trusts
 * ({@code LATCHKEY_TLS_CA}) and presents ({@code LATCHKEY_TLS_CLIENT_CERT}) for mutual TLS. {@code
 * dpopNonceRequired} makes the token endpoint require a server nonce in DPoP proofs (RFC 9449 §8). {@code
 * logoutBatchSize} is how many sessions a mass logout ends per transaction.
 */
public record AuthServerConfig(
        DatabaseSettings database,
        String host,
        int port,
        String issuer,
        URI jwksUri,
        List<URI> keyServiceUrls,
        String internalSecret,
        Optional<String> adminClientSecret,
        Duration accessTokenTtl,
        Duration refreshTokenTtl,
        Duration sessionMaxAge,
        TrustedProxies trustedProxies,
        Argon2Settings argon2,
        int databasePoolSize,
        int eventLoops,
        FeedSettings feed,
        ServerTls tls,
        ClientTls keyServiceTls,
        ListenerSettings listeners,
        boolean dpopNonceRequired,
        int logoutBatchSize) {

    public static AuthServerConfig from(Env env) {
        AuthServerConfig config = new AuthServerConfig(
                DatabaseSettings.fromEnv(env),
                env.string("LATCHKEY_HOST", "0.0.0.0"),
                env.port("LATCHKEY_PORT", 8080),
                env.origin("LATCHKEY_ISSUER", "http://localhost:8080"),
                env.url("LATCHKEY_JWKS_URI", "http://localhost:8081/.well-known/jwks.json"),
                env.urls("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:8091"),
                Secrets.required(env, "LATCHKEY_INTERNAL_SECRET"),
                env.optional("LATCHKEY_ADMIN_CLIENT_SECRET").map(s -> {
                    Secrets.check(env, "LATCHKEY_ADMIN_CLIENT_SECRET", s);
                    return s;
                }),
                env.duration("LATCHKEY_ACCESS_TOKEN_TTL", Duration.ofSeconds(300)),
                env.duration("LATCHKEY_REFRESH_TOKEN_TTL", Duration.ofDays(14)),
                env.duration("LATCHKEY_SESSION_MAX_AGE", Duration.ofDays(30)),
                TrustedProxies.parse("LATCHKEY_TRUSTED_PROXIES", env.string("LATCHKEY_TRUSTED_PROXIES", "")),
                Argon2Settings.from(env),
                env.integer("LATCHKEY_DB_POOL_SIZE", 16, 1, 512),
                env.integer("LATCHKEY_EVENT_LOOPS", Runtime.getRuntime().availableProcessors(), 1, 256),
                FeedSettings.from(env),
                ServerTls.from(env),
                ClientTls.from(env),
                ListenerSettings.from(env, 9080),
                env.bool("LATCHKEY_DPOP_NONCE_REQUIRED", false),
                env.integer("LATCHKEY_LOGOUT_BATCH_SIZE", 1000, 1, 10_000));
        // The metadata advertises the issuer's URLs: with TLS on, http ones would point clients at nothing.
        if (config.tls().enabled() && config.issuer().startsWith("http:")) {
            throw new ConfigException(
                    "LATCHKEY_ISSUER", "must use https when LATCHKEY_TLS_CERT is set (the metadata advertises it)");
        }
        return config;
    }

    /** Without the secrets, so a config that ends up in a log line or an exception gives nothing away. */
    @Override
    public String toString() {
        return "AuthServerConfig[database=" + database + ", host=" + host + ", port=" + port + ", issuer=" + issuer
                + ", jwksUri=" + jwksUri + ", keyServiceUrls=" + keyServiceUrls + ", tls=" + tls.enabled()
                + ", keyServiceClientCertificate="
                + keyServiceTls.clientCertificate().isPresent() + "]";
    }
}
