package io.latchkey.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.vertx.core.http.HttpServerOptions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The listener settings: the documented defaults, the test default for the management port, and bad values. */
class ListenerSettingsTest {
    @Test
    void fromWhenNothingSetThenDocumentedDefaultsAndManagementOnLoopback() {
        ListenerSettings settings = ListenerSettings.from(new Env(Map.of()), 9080);

        assertEquals(Duration.ofSeconds(60), settings.idleTimeout());
        assertEquals(Duration.ofSeconds(10), settings.requestTimeout());
        assertEquals(4096, settings.maxConnections());
        assertEquals("127.0.0.1", settings.managementHost());
        assertEquals(9080, settings.managementPort());
    }

    @Test
    void fromWhenPublicPortIsZeroThenManagementPortDefaultsToZero() {
        assertEquals(
                0,
                ListenerSettings.from(new Env(Map.of("LATCHKEY_PORT", "0")), 9081)
                        .managementPort());
        assertEquals(
                9181,
                ListenerSettings.from(new Env(Map.of("LATCHKEY_PORT", "0", "LATCHKEY_MANAGEMENT_PORT", "9181")), 9081)
                        .managementPort());
    }

    @Test
    void fromWhenSetThenRead() {
        ListenerSettings settings = ListenerSettings.from(
                new Env(Map.of(
                        "LATCHKEY_HTTP_IDLE_TIMEOUT", "2m",
                        "LATCHKEY_HTTP_REQUEST_TIMEOUT", "500ms",
                        "LATCHKEY_HTTP_MAX_CONNECTIONS", "10",
                        "LATCHKEY_MANAGEMENT_HOST", "0.0.0.0",
                        "LATCHKEY_MANAGEMENT_PORT", "9999")),
                9082);

        assertEquals(
                new ListenerSettings(Duration.ofMinutes(2), Duration.ofMillis(500), 10, "0.0.0.0", 9999), settings);
    }

    @Test
    void fromWhenMalformedThenTheVariableIsNamed() {
        for (Map.Entry<String, String> bad : Map.of(
                        "LATCHKEY_HTTP_IDLE_TIMEOUT", "soon",
                        "LATCHKEY_HTTP_REQUEST_TIMEOUT", "0",
                        "LATCHKEY_HTTP_MAX_CONNECTIONS", "0",
                        "LATCHKEY_MANAGEMENT_PORT", "70000")
                .entrySet()) {
            ConfigException e = assertThrows(
                    ConfigException.class,
                    () -> ListenerSettings.from(new Env(Map.of(bad.getKey(), bad.getValue())), 9080));
            assertTrue(e.getMessage().contains(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void applyToWhenCalledThenIdleTimeoutSetAndCleartextHttp2Off() {
        HttpServerOptions options = ListenerSettings.defaults().applyTo(new HttpServerOptions());

        assertEquals(60_000, options.getIdleTimeout());
        assertEquals(TimeUnit.MILLISECONDS, options.getIdleTimeoutUnit());
        assertFalse(options.isHttp2ClearTextEnabled());
    }
}
