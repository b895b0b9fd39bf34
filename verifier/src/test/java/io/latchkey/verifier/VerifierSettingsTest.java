package io.latchkey.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class VerifierSettingsTest {
    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        env.put("LATCHKEY_FEED_CLIENT_SECRET", "a-feed-secret-of-enough-length-0123456789");
        return env;
    }

    @Test
    void fromWhenOnlyFeedCredentialsSetThenDevDefaults() {
        VerifierSettings settings = VerifierSettings.from(new Env(minimal()), "resource-demo");
        assertEquals("http://localhost:8080", settings.issuer());
        assertEquals("resource-demo", settings.audience());
        assertEquals(List.of(URI.create("http://localhost:8080")), settings.authServerUrls());
        assertEquals(Optional.empty(), settings.jwksUrl());
        assertEquals(Duration.ofSeconds(30), settings.feedStalenessBound());
        assertEquals(Duration.ofSeconds(5), settings.jwksRefetchInterval());
        assertEquals(10_000, settings.verifiedTokenCacheSize());
        assertEquals(Optional.empty(), settings.externalUrl());
        assertEquals(100_000, settings.dpopReplayCacheSize());
    }

    @Test
    void fromWhenDpopSettingsSetThenUsedWithoutTrailingSlash() {
        Map<String, String> env = minimal();
        env.put("LATCHKEY_EXTERNAL_URL", "https://api.example.com/notes/");
        env.put("LATCHKEY_DPOP_REPLAY_CACHE_SIZE", "5000");
        VerifierSettings settings = VerifierSettings.from(new Env(env), "resource-demo");
        assertEquals(Optional.of(URI.create("https://api.example.com/notes")), settings.externalUrl());
        assertEquals(5000, settings.dpopReplayCacheSize());
    }

    @Test
    void fromWhenExternalUrlHasQueryOrIsRelativeThenErrorNamesVariable() {
        for (String bad : List.of("https://api.example.com/?a=1", "/api", "ftp://api.example.com")) {
            Map<String, String> env = minimal();
            env.put("LATCHKEY_EXTERNAL_URL", bad);
            ConfigException e =
                    assertThrows(ConfigException.class, () -> VerifierSettings.from(new Env(env), "resource-demo"));
            assertTrue(e.getMessage().contains("LATCHKEY_EXTERNAL_URL"), e.getMessage());
        }
        Map<String, String> env = minimal();
        env.put("LATCHKEY_DPOP_REPLAY_CACHE_SIZE", "0");
        assertThrows(ConfigException.class, () -> VerifierSettings.from(new Env(env), "resource-demo"));
    }

    @Test
    void fromWhenBackChannelSetThenUsed() {
        Map<String, String> env = minimal();
        env.put("LATCHKEY_ISSUER", "https://auth.example.com");
        env.put("LATCHKEY_AUTH_SERVER_URLS", "http://auth-server:8080, http://auth-server-2:8080");
        env.put("LATCHKEY_JWKS_URL", "http://key-service:8081/.well-known/jwks.json");
        env.put("LATCHKEY_FEED_STALENESS_BOUND", "10s");
        VerifierSettings settings = VerifierSettings.from(new Env(env), "resource-demo");
        assertEquals(
                List.of(URI.create("http://auth-server:8080"), URI.create("http://auth-server-2:8080")),
                settings.authServerUrls());
        assertEquals(Optional.of(URI.create("http://key-service:8081/.well-known/jwks.json")), settings.jwksUrl());
        assertEquals(Duration.ofSeconds(10), settings.feedStalenessBound());
    }

    @Test
    void fromWhenFeedSecretMissingThenErrorNamesVariable() {
        Map<String, String> env = minimal();
        env.remove("LATCHKEY_FEED_CLIENT_SECRET");
        ConfigException e =
                assertThrows(ConfigException.class, () -> VerifierSettings.from(new Env(env), "resource-demo"));
        assertTrue(e.getMessage().contains("LATCHKEY_FEED_CLIENT_SECRET"), e.getMessage());
    }

    @Test
    void fromWhenCacheSizeNegativeThenErrorNamesVariable() {
        Map<String, String> env = minimal();
        env.put("LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE", "-1");
        ConfigException e =
                assertThrows(ConfigException.class, () -> VerifierSettings.from(new Env(env), "resource-demo"));
        assertTrue(e.getMessage().contains("LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE"), e.getMessage());
    }

    @Test
    void toStringWhenPrintedThenSecretAbsent() {
        VerifierSettings settings = VerifierSettings.from(new Env(minimal()), "resource-demo");
        assertFalse(settings.toString().contains("a-feed-secret"));
    }
}
