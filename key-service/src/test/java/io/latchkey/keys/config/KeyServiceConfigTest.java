package io.latchkey.keys.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.test.TestKeyService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyServiceConfigTest {
    private static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(
                TestKeyService.on("postgresql://u:p@localhost:5432/db").env());
        env.remove("LATCHKEY_KEY_REFRESH_INTERVAL");
        return env;
    }

    private static KeyServiceConfig parse(Map<String, String> env) {
        return KeyServiceConfig.from(new Env(env));
    }

    private static String failure(Map<String, String> env) {
        return assertThrows(ConfigException.class, () -> parse(env)).getMessage();
    }

    @Test
    void fromWhenDefaultsThenDesignValues() {
        KeyServiceConfig config = parse(env());
        assertEquals(Duration.ofSeconds(300), config.accessTokenTtl());
        assertEquals(Duration.ofMinutes(10), config.publishAhead());
        assertEquals(Duration.ofSeconds(300), config.jwksMaxAge());
        assertEquals(2048, config.keySize());
        assertEquals("127.0.0.1", config.internalHost());
        assertEquals(Duration.ofSeconds(360), config.retireGrace());
        assertEquals(KeyServiceConfig.SigningThreads.WORKER, config.signingThreads());
    }

    @Test
    void fromWhenPublishAheadShorterThanVerifierCachePlusMarginThenStops() {
        Map<String, String> env = env();
        env.put("LATCHKEY_KEY_PUBLISH_AHEAD", "359s");
        assertEquals(
                "LATCHKEY_KEY_PUBLISH_AHEAD: must be at least max(LATCHKEY_JWKS_MAX_AGE, 300s) + 60s = 360s, so"
                        + " verifiers see a key before it signs",
                failure(env));
        env.put("LATCHKEY_KEY_PUBLISH_AHEAD", "360s");
        parse(env);
    }

    @Test
    void fromWhenJwksMaxAgeLongerThanFloorThenPublishAheadMustCoverIt() {
        Map<String, String> env = env();
        env.put("LATCHKEY_JWKS_MAX_AGE", "900");
        env.put("LATCHKEY_KEY_PUBLISH_AHEAD", "10m");
        assertEquals(
                "LATCHKEY_KEY_PUBLISH_AHEAD: must be at least max(LATCHKEY_JWKS_MAX_AGE, 300s) + 60s = 960s, so"
                        + " verifiers see a key before it signs",
                failure(env));
    }

    @Test
    void fromWhenPublishAheadNotShorterThanRotationThenStops() {
        Map<String, String> env = env();
        env.put("LATCHKEY_KEY_ROTATION_INTERVAL", "10m");
        assertEquals("LATCHKEY_KEY_PUBLISH_AHEAD: must be shorter than LATCHKEY_KEY_ROTATION_INTERVAL", failure(env));
    }

    @Test
    void fromWhenKekMalformedThenStopsNamingItWithoutItsValue() {
        Map<String, String> env = env();
        env.put("LATCHKEY_KEK", "bm90LTMyLWJ5dGVzLWxvbmctYnV0LWxvbmctZW5vdWdoLXRleHQ=");
        String message = failure(env);
        assertEquals("LATCHKEY_KEK: must be base64 of 32 random bytes", message);
        env.put("LATCHKEY_KEK", "%%%not base64 at all, but 32 chars long%%%");
        assertEquals("LATCHKEY_KEK: must be base64 of 32 random bytes", failure(env));
    }

    @Test
    void fromWhenKeySizeUnsupportedThenStops() {
        Map<String, String> env = env();
        env.put("LATCHKEY_KEY_SIZE", "2500");
        assertEquals("LATCHKEY_KEY_SIZE: must be 2048, 3072 or 4096", failure(env));
    }

    @Test
    void fromWhenSigningThreadsUnknownThenStops() {
        Map<String, String> env = env();
        env.put("LATCHKEY_SIGNING_THREADS", "gpu");
        assertEquals("LATCHKEY_SIGNING_THREADS: must be worker or event-loop", failure(env));
    }

    @Test
    void fromWhenSigningAlgsUnsetThenRs256AndEs256() {
        assertEquals(
                List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256),
                parse(env()).signingAlgorithms());
    }

    @Test
    void fromWhenSigningAlgsOmitRs256ThenRs256IsKeptAnyway() {
        Map<String, String> env = env();
        env.put("LATCHKEY_SIGNING_ALGS", "ES256");
        assertEquals(
                List.of(SigningAlgorithm.RS256, SigningAlgorithm.ES256),
                parse(env).signingAlgorithms());
        env.put("LATCHKEY_SIGNING_ALGS", " RS256 ");
        assertEquals(List.of(SigningAlgorithm.RS256), parse(env).signingAlgorithms());
    }

    @Test
    void fromWhenSigningAlgsNameAnUnknownAlgorithmThenStops() {
        for (String value : List.of("RS256,HS256", "es256", "RS256,EdDSA", "none")) {
            Map<String, String> env = env();
            env.put("LATCHKEY_SIGNING_ALGS", value);
            assertEquals("LATCHKEY_SIGNING_ALGS: must be a comma-separated list of RS256 and ES256", failure(env));
        }
    }

    @Test
    void toStringWhenPrintedThenShowsNoSecret() {
        Map<String, String> env = env();
        KeyServiceConfig config = parse(env);
        assertFalse(config.toString().contains(env.get("LATCHKEY_INTERNAL_SECRET")));
        assertFalse(config.toString().contains(env.get("LATCHKEY_KEK")));
    }
}
