package io.latchkey.auth.test;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Vertx;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The real key-service (random ports, random KEK) and auth-server started in-process on one database, with
 * auth-server signing through key-service's {@code /internal/sign}.
 */
public final class TestStack implements AutoCloseable {
    private final Vertx vertx;
    private final KeyServiceVerticle keyService;
    private final String keyDeployment;
    private final TestAuthServer auth;
    private final String kek;

    private TestStack(Vertx vertx, String databaseUrl, Consumer<Map<String, String>> authSettings) {
        this.vertx = vertx;
        Map<String, String> keyEnv = keyServiceEnv(databaseUrl, TestAuthServer.ISSUER);
        this.kek = keyEnv.get("LATCHKEY_KEK");
        this.keyService = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        this.keyDeployment = Await.result(vertx.deployVerticle(keyService));
        Map<String, String> env = TestAuthServer.env(databaseUrl);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keyService.internalPort());
        env.put("LATCHKEY_JWKS_URI", jwksUrl());
        authSettings.accept(env);
        this.auth = TestAuthServer.start(vertx, env);
    }

    /**
     * key-service's settings for tests: random ports on loopback, a random KEK, auth-server's internal secret, and
     * the given database and issuer. A test adds what it needs (TLS) before it starts the service.
     */
    public static Map<String, String> keyServiceEnv(String databaseUrl, String issuer) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_DB_URL", databaseUrl);
        env.put("LATCHKEY_DEV_MODE", "true");
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_INTERNAL_PORT", "0");
        env.put("LATCHKEY_ISSUER", issuer);
        env.put("LATCHKEY_INTERNAL_SECRET", TestAuthServer.INTERNAL_SECRET);
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        env.put("LATCHKEY_KEK", Base64.getEncoder().encodeToString(kek));
        return env;
    }

    public static TestStack start(Vertx vertx, PostgresExtension db) {
        return new TestStack(vertx, db.url(), env -> {});
    }

    public static TestStack start(Vertx vertx, PostgresExtension db, Consumer<Map<String, String>> authSettings) {
        return new TestStack(vertx, db.url(), authSettings);
    }

    /** Both services on the database at {@code databaseUrl} (a server the test may stop and start). */
    public static TestStack start(Vertx vertx, String databaseUrl, Consumer<Map<String, String>> authSettings) {
        return new TestStack(vertx, databaseUrl, authSettings);
    }

    public TestAuthServer auth() {
        return auth;
    }

    /** key-service's key-encryption key (base64), so a test can prove it never appears anywhere. */
    public String kek() {
        return kek;
    }

    /** key-service's internal port ({@code /internal/sign}), for a benchmark that measures signing alone. */
    public int keyServiceInternalPort() {
        return keyService.internalPort();
    }

    public String jwksUrl() {
        return "http://127.0.0.1:" + keyService.publicPort() + "/.well-known/jwks.json";
    }

    @Override
    public void close() {
        auth.close();
        Await.result(vertx.undeploy(keyDeployment));
    }
}
