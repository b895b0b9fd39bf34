package io.latchkey.verifier;

import io.latchkey.common.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What a resource server needs to verify Latchkey tokens. {@code authServerUrls} and {@code jwksUrl} are
 * back-channel addresses for containers that cannot reach the public issuer URL.
 */
public record VerifierSettings(
        String issuer,
        String audience,
        String feedClientId,
        String feedClientSecret,
        List<URI> authServerUrls,
        Optional<URI> jwksUrl,
        Duration feedStalenessBound) {

    public static VerifierSettings from(Env env, String defaultAudience) {
        String issuer = env.origin("LATCHKEY_ISSUER", "http://localhost:8080");
        return new VerifierSettings(
                issuer,
                env.string("LATCHKEY_AUDIENCE", defaultAudience),
                env.required("LATCHKEY_FEED_CLIENT_ID"),
                env.required("LATCHKEY_FEED_CLIENT_SECRET"),
                env.urls("LATCHKEY_AUTH_SERVER_URLS", issuer),
                env.optional("LATCHKEY_JWKS_URL").map(v -> env.url("LATCHKEY_JWKS_URL", v)),
                env.duration("LATCHKEY_FEED_STALENESS_BOUND", Duration.ofSeconds(30)));
    }
}
