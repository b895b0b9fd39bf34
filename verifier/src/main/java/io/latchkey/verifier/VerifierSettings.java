package io.latchkey.verifier;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.tls.ClientTls;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a resource server needs to verify Latchkey tokens. {@code authServerUrls} and {@code jwksUrl} are
 * back-channel addresses for containers that cannot reach the public issuer URL; {@code tls} is what those HTTPS
 * fetches trust ({@code LATCHKEY_TLS_CA}, else the JVM's trust store). {@code externalUrl} is the resource server's
 * base URL as clients call it ({@code LATCHKEY_EXTERNAL_URL}): a DPoP proof's {@code htu} must equal it plus the request
 * path (behind a proxy the request's own URL is not what the client signed); without it the request's own URL counts.
 * {@code dpopReplayCacheSize} bounds the per-process memory of DPoP proofs already used.
 */
public record VerifierSettings(
        String issuer,
        String audience,
        String feedClientId,
        String feedClientSecret,
        List<URI> authServerUrls,
        Optional<URI> jwksUrl,
        Duration feedStalenessBound,
        Duration jwksRefetchInterval,
        int verifiedTokenCacheSize,
        ClientTls tls,
        Optional<URI> externalUrl,
        int dpopReplayCacheSize) {

    public static final Duration DEFAULT_STALENESS_BOUND = Duration.ofSeconds(30);
    public static final Duration DEFAULT_JWKS_REFETCH_INTERVAL = Duration.ofSeconds(5);
    public static final int DEFAULT_CACHE_SIZE = 10_000;

    /** About 1,500 fresh proofs a second over a 65 s acceptance, in about 10 MB. */
    public static final int DEFAULT_DPOP_REPLAY_CACHE_SIZE = 100_000;

    public VerifierSettings {
        authServerUrls = List.copyOf(authServerUrls);
    }

    /** The settings with the defaults for the tuning knobs and the JVM's trust store for HTTPS back-channel calls. */
    public VerifierSettings(
            String issuer,
            String audience,
            String feedClientId,
            String feedClientSecret,
            List<URI> authServerUrls,
            Optional<URI> jwksUrl,
            Duration feedStalenessBound) {
        this(
                issuer,
                audience,
                feedClientId,
                feedClientSecret,
                authServerUrls,
                jwksUrl,
                feedStalenessBound,
                DEFAULT_JWKS_REFETCH_INTERVAL,
                DEFAULT_CACHE_SIZE,
                ClientTls.defaults(),
                Optional.empty(),
                DEFAULT_DPOP_REPLAY_CACHE_SIZE);
    }

    public static VerifierSettings from(Env env, String defaultAudience) {
        String issuer = env.origin("LATCHKEY_ISSUER", "http://localhost:8080");
        return new VerifierSettings(
                issuer,
                env.string("LATCHKEY_AUDIENCE", defaultAudience),
                env.required("LATCHKEY_FEED_CLIENT_ID"),
                env.required("LATCHKEY_FEED_CLIENT_SECRET"),
                env.urls("LATCHKEY_AUTH_SERVER_URLS", issuer),
                env.optional("LATCHKEY_JWKS_URL").map(v -> env.url("LATCHKEY_JWKS_URL", v)),
                env.duration("LATCHKEY_FEED_STALENESS_BOUND", DEFAULT_STALENESS_BOUND),
                env.duration("LATCHKEY_JWKS_REFETCH_INTERVAL", DEFAULT_JWKS_REFETCH_INTERVAL),
                env.integer("LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE", DEFAULT_CACHE_SIZE, 0, 10_000_000),
                ClientTls.from(env),
                env.optional("LATCHKEY_EXTERNAL_URL").map(v -> externalUrl(env, v)),
                env.integer("LATCHKEY_DPOP_REPLAY_CACHE_SIZE", DEFAULT_DPOP_REPLAY_CACHE_SIZE, 1, 10_000_000));
    }

    /** A copy with another staleness bound, JWKS refetch interval and cache size (tests and benchmarks). */
    public VerifierSettings tuned(Duration stalenessBound, Duration refetchInterval, int cacheSize) {
        return new VerifierSettings(
                issuer,
                audience,
                feedClientId,
                feedClientSecret,
                authServerUrls,
                jwksUrl,
                stalenessBound,
                refetchInterval,
                cacheSize,
                tls,
                externalUrl,
                dpopReplayCacheSize);
    }

    /**
     * A copy whose metadata, JWKS and feed fetches trust {@code tls}'s CA bundle (and present its client
     * certificate, if any).
     */
    public VerifierSettings withTls(ClientTls tls) {
        return new VerifierSettings(
                issuer,
                audience,
                feedClientId,
                feedClientSecret,
                authServerUrls,
                jwksUrl,
                feedStalenessBound,
                jwksRefetchInterval,
                verifiedTokenCacheSize,
                tls,
                externalUrl,
                dpopReplayCacheSize);
    }

    /** A copy with another external base URL and DPoP replay cache size (tests and benchmarks). */
    public VerifierSettings withDpop(Optional<URI> externalUrl, int dpopReplayCacheSize) {
        return new VerifierSettings(
                issuer,
                audience,
                feedClientId,
                feedClientSecret,
                authServerUrls,
                jwksUrl,
                feedStalenessBound,
                jwksRefetchInterval,
                verifiedTokenCacheSize,
                tls,
                externalUrl,
                dpopReplayCacheSize);
    }

    /** An absolute http(s) URL with no query, fragment or user information; a trailing slash is dropped. */
    private static URI externalUrl(Env env, String raw) {
        URI url = env.url("LATCHKEY_EXTERNAL_URL", raw);
        if (url.getRawQuery() != null || url.getRawFragment() != null || url.getRawUserInfo() != null) {
            throw new ConfigException(
                    "LATCHKEY_EXTERNAL_URL", "must be a base URL such as https://api.example.com, without query");
        }
        return raw.endsWith("/") ? URI.create(raw.substring(0, raw.length() - 1)) : url;
    }

    @Override
    public String toString() {
        // The feed secret stays out of logs.
        return "VerifierSettings[issuer=" + issuer + ", audience=" + audience + ", feedClientId=" + feedClientId
                + ", authServerUrls=" + authServerUrls + ", jwksUrl=" + jwksUrl + ", feedStalenessBound="
                + feedStalenessBound + ", tls=" + tls + ", externalUrl=" + externalUrl + ", dpopReplayCacheSize="
                + dpopReplayCacheSize + "]";
    }
}
