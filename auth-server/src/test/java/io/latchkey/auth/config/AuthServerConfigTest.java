package io.latchkey.auth.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.config.Env;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuthServerConfigTest {
    private static Map<String, String> base() {
        Map<String, String> env = new HashMap<>();
        env.put(
                "LATCHKEY_DB_URL",
                "postgresql://latchkey:a-database-password-of-32-characters@localhost:5432/latchkey");
        env.put("LATCHKEY_INTERNAL_SECRET", "an-internal-secret-with-at-least-32-chars");
        return env;
    }

    @Test
    void fromWhenInternalSecretIsDevValueOutsideDevModeThenRefused() {
        Map<String, String> env = base();
        env.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);
        ConfigException e = assertThrows(ConfigException.class, () -> AuthServerConfig.from(new Env(env)));
        assertEquals(
                "LATCHKEY_INTERNAL_SECRET: is a published dev value; set a real secret or LATCHKEY_DEV_MODE=true",
                e.getMessage());
    }

    @Test
    void fromWhenTlsIsOnAndTheIssuerIsHttpThenRefused(@TempDir Path dir) throws Exception {
        Map<String, String> env = base();
        env.put("LATCHKEY_ISSUER", "http://localhost:8080");
        env.put(
                "LATCHKEY_TLS_CERT",
                Files.writeString(dir.resolve("cert.pem"), "x").toString());
        env.put(
                "LATCHKEY_TLS_KEY",
                Files.writeString(dir.resolve("key.pem"), "x").toString());
        ConfigException e = assertThrows(ConfigException.class, () -> AuthServerConfig.from(new Env(env)));
        assertEquals(
                "LATCHKEY_ISSUER: must use https when LATCHKEY_TLS_CERT is set (the metadata advertises it)",
                e.getMessage());
    }

    @Test
    void toStringWhenPrintedThenNoSecretAppears() {
        Map<String, String> env = base();
        env.put("LATCHKEY_ADMIN_CLIENT_SECRET", "an-admin-client-secret-of-32-characters");
        String printed = AuthServerConfig.from(new Env(env)).toString();
        assertFalse(printed.contains("an-internal-secret-with-at-least-32-chars"), printed);
        assertFalse(printed.contains("an-admin-client-secret-of-32-characters"), printed);
        assertFalse(printed.contains("a-database-password-of-32-characters"), printed);
    }

    @Test
    void fromWhenAdminSecretShortThenRefused() {
        Map<String, String> env = base();
        env.put("LATCHKEY_ADMIN_CLIENT_SECRET", "short");
        ConfigException e = assertThrows(ConfigException.class, () -> AuthServerConfig.from(new Env(env)));
        assertEquals("LATCHKEY_ADMIN_CLIENT_SECRET: must have at least 32 characters", e.getMessage());
    }

    @Test
    void fromWhenDefaultsThenDesignValues() {
        AuthServerConfig config = AuthServerConfig.from(new Env(base()));
        assertEquals(8080, config.port());
        assertEquals("http://localhost:8080", config.issuer());
        assertEquals(300, config.accessTokenTtl().toSeconds());
        assertEquals(14, config.refreshTokenTtl().toDays());
        assertEquals(30, config.sessionMaxAge().toDays());
        assertTrue(config.trustedProxies().isEmpty());
        assertEquals(19 * 1024, config.argon2().memoryKib());
    }

    @Test
    void trustedProxiesWhenCidrsGivenThenMatchesOnlyThoseRanges() {
        TrustedProxies proxies = TrustedProxies.parse("LATCHKEY_TRUSTED_PROXIES", "10.0.0.0/8, ::1/128");
        assertTrue(proxies.trusts("10.1.2.3"));
        assertTrue(proxies.trusts("::1"));
        assertFalse(proxies.trusts("11.0.0.1"));
        assertFalse(proxies.trusts("not-an-ip.example"));
        ConfigException e = assertThrows(
                ConfigException.class, () -> TrustedProxies.parse("LATCHKEY_TRUSTED_PROXIES", "10.0.0.0/40"));
        assertEquals("LATCHKEY_TRUSTED_PROXIES: has a CIDR prefix out of range", e.getMessage());
    }
}
