package io.latchkey.keys.test;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * Builds key-service configurations for tests: random free ports, a random internal secret and KEK, and key
 * lives short enough to run a rotation in seconds.
 *
 * <pre>{@code
 * KeyServiceConfig config = TestKeyService.on(db.url()).keyLife(ttl, rotation, ahead, maxAge).build();
 * }</pre>
 */
public final class TestKeyService {
    public static final String ISSUER = "http://127.0.0.1:8080";

    private final Map<String, String> env = new HashMap<>();
    private Duration accessTokenTtl;
    private Duration rotation;
    private Duration publishAhead;
    private Duration jwksMaxAge;
    private Duration retireMargin;

    private TestKeyService(String dbUrl) {
        env.put("LATCHKEY_DB_URL", dbUrl);
        env.put("LATCHKEY_DEV_MODE", "true");
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_INTERNAL_PORT", "0");
        env.put("LATCHKEY_ISSUER", ISSUER);
        env.put("LATCHKEY_INTERNAL_SECRET", randomSecret());
        env.put("LATCHKEY_KEK", randomKek());
        env.put("LATCHKEY_KEY_REFRESH_INTERVAL", "200ms");
    }

    public static TestKeyService on(String dbUrl) {
        return new TestKeyService(dbUrl);
    }

    public TestKeyService set(String name, String value) {
        env.put(name, value);
        return this;
    }

    public TestKeyService kek(String base64) {
        return set("LATCHKEY_KEK", base64);
    }

    public TestKeyService internalSecret(String secret) {
        return set("LATCHKEY_INTERNAL_SECRET", secret);
    }

    /** Runs a whole key life in seconds; the configuration check then skips the 300 s verifier-cache floor. */
    public TestKeyService keyLife(Duration accessTokenTtl, Duration rotation, Duration publishAhead, Duration maxAge) {
        this.accessTokenTtl = accessTokenTtl;
        this.rotation = rotation;
        this.publishAhead = publishAhead;
        this.jwksMaxAge = maxAge;
        return this;
    }

    /** Keys leave the JWKS this long after their last token expires (60 s in production). */
    public TestKeyService retireMargin(Duration margin) {
        this.retireMargin = margin;
        return this;
    }

    public Map<String, String> env() {
        return Map.copyOf(env);
    }

    public KeyServiceConfig build() {
        KeyServiceConfig config = KeyServiceConfig.from(new Env(env));
        if (rotation != null) {
            config = config.withKeyLife(accessTokenTtl, rotation, publishAhead, jwksMaxAge)
                    .checkKeyLife(false);
        }
        if (retireMargin != null) {
            config = config.withRetireMargin(retireMargin);
        }
        return config;
    }

    /** Deploys a verticle and waits for it. */
    public static KeyServiceVerticle deploy(Vertx vertx, KeyServiceConfig config) {
        KeyServiceVerticle verticle = new KeyServiceVerticle(config);
        Await.result(vertx.deployVerticle(verticle));
        return verticle;
    }

    public static String randomSecret() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String randomKek() {
        byte[] bytes = new byte[32];
        new SecureRandom().nextBytes(bytes);
        return Base64.getEncoder().encodeToString(bytes);
    }
}
