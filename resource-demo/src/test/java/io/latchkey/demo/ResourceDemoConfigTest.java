package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.config.Env;
import io.latchkey.demo.web.WebAppSettings;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResourceDemoConfigTest {
    private static Map<String, String> api() {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        env.put("LATCHKEY_FEED_CLIENT_SECRET", "feed-secret");
        return env;
    }

    @Test
    void fromWhenNoWebClientSecretThenTheWebAppIsOff() {
        assertTrue(ResourceDemoConfig.from(new Env(api())).web().isEmpty());
    }

    @Test
    void fromWhenWebClientSecretSetThenDefaultsAndTheVerifiersIssuerAndBackChannel() {
        Map<String, String> env = api();
        env.put("LATCHKEY_WEB_CLIENT_SECRET", "a-real-secret-of-at-least-32-characters");
        env.put("LATCHKEY_AUTH_SERVER_URLS", "http://auth-server:8080, http://auth-server-2:8080");

        WebAppSettings web = ResourceDemoConfig.from(new Env(env)).web().orElseThrow();

        assertEquals("demo-web", web.clientId());
        assertEquals("http://localhost:8082", web.baseUrl());
        assertEquals("http://localhost:8082/callback", web.redirectUri());
        assertEquals("http://localhost:8080", web.issuer());
        assertEquals(
                List.of(URI.create("http://auth-server:8080"), URI.create("http://auth-server-2:8080")),
                web.authServerUrls());
        assertFalse(web.secureCookies());
        assertFalse(web.toString().contains("a-real-secret"), "the secret stays out of logs");
    }

    @Test
    void fromWhenTheDevSecretOutsideDevModeThenRefused() {
        Map<String, String> env = api();
        env.put("LATCHKEY_WEB_CLIENT_SECRET", DevValues.DEMO_WEB_SECRET);

        ConfigException e = assertThrows(ConfigException.class, () -> ResourceDemoConfig.from(new Env(env)));
        assertTrue(e.getMessage().contains("LATCHKEY_WEB_CLIENT_SECRET"), e.getMessage());

        env.put("LATCHKEY_DEV_MODE", "true");
        assertTrue(ResourceDemoConfig.from(new Env(env)).web().isPresent());
    }

    @Test
    void fromWhenBaseUrlIsPlainHttpOffLoopbackOrHasAPathThenRefused() {
        Map<String, String> env = api();
        env.put("LATCHKEY_WEB_CLIENT_SECRET", "a-real-secret-of-at-least-32-characters");
        env.put("LATCHKEY_WEB_BASE_URL", "http://notes.example.com");
        assertThrows(ConfigException.class, () -> ResourceDemoConfig.from(new Env(env)));
        env.put("LATCHKEY_WEB_BASE_URL", "https://notes.example.com/app");
        assertThrows(ConfigException.class, () -> ResourceDemoConfig.from(new Env(env)));
        env.put("LATCHKEY_WEB_BASE_URL", "https://notes.example.com");
        assertTrue(ResourceDemoConfig.from(new Env(env)).web().orElseThrow().secureCookies());
    }
}
