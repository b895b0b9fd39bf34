package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DevStackTuningTest {
    @ParameterizedTest
    @ValueSource(
            strings = {
                "LATCHKEY_ARGON2_MEMORY_KIB",
                "LATCHKEY_ARGON2_ITERATIONS",
                "LATCHKEY_ACCESS_TOKEN_TTL",
                "LATCHKEY_DB_POOL_SIZE",
                "LATCHKEY_EVENT_LOOPS",
                "LATCHKEY_SIGNING_THREADS",
                "LATCHKEY_VERIFIED_TOKEN_CACHE_SIZE"
            })
    void tuningSettingsReachTheServices(String name) {
        assertTrue(DevStack.isTuning(name), name);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "LATCHKEY_DB_URL",
                "LATCHKEY_JWKS_URL",
                "LATCHKEY_JWKS_URI",
                "LATCHKEY_AUTH_SERVER_URLS",
                "LATCHKEY_KEY_SERVICE_URL",
                "LATCHKEY_INTERNAL_SECRET",
                "LATCHKEY_ADMIN_CLIENT_SECRET",
                "LATCHKEY_FEED_CLIENT_ID",
                "LATCHKEY_FEED_CLIENT_SECRET",
                "LATCHKEY_KEK",
                "LATCHKEY_TLS_CA",
                "LATCHKEY_PORT",
                "LATCHKEY_INTERNAL_HOST",
                "LATCHKEY_ISSUER",
                "LATCHKEY_AUDIENCE",
                "LATCHKEY_DEV_MODE",
                "PATH"
            })
    void wiringSettingsStayWithTheStack(String name) {
        assertFalse(DevStack.isTuning(name), name);
    }
}
