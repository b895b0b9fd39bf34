package io.latchkey.auth.bench;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.NativeTransport;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.HashMap;
import java.util.Map;

/**
 * key-service and auth-server in one JVM, as the dev stack runs them, on a fresh database of the embedded
 * PostgreSQL: default settings (Argon2id parameters, pools, event loops) but for loopback listeners on random ports
 * and dev secrets.
 */
final class BenchServers {
    static final String ISSUER = "http://localhost:8080";

    private final Vertx vertx;
    private final DatabaseSettings database;
    private final KeyServiceVerticle keys;
    private final AuthServerVerticle auth;
    private final AuthServerConfig config;

    private BenchServers(
            Vertx vertx,
            DatabaseSettings database,
            KeyServiceVerticle keys,
            AuthServerVerticle auth,
            AuthServerConfig config) {
        this.vertx = vertx;
        this.database = database;
        this.keys = keys;
        this.auth = auth;
        this.config = config;
    }

    static BenchServers start() {
        DatabaseSettings database = TestPostgres.get().createDatabase();
        Vertx vertx = Vertx.vertx(NativeTransport.prefer(new VertxOptions()));
        Map<String, String> keyEnv = TestStack.keyServiceEnv(database.url(), ISSUER);
        // -Dbench.signing=worker|event-loop: where key-service signs (its default when absent).
        String signing = System.getProperty("bench.signing");
        if (signing != null) {
            keyEnv.put("LATCHKEY_SIGNING_THREADS", signing);
        }
        KeyServiceVerticle keys = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        Await.result(vertx.deployVerticle(keys));

        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_DB_URL", database.url());
        env.put("LATCHKEY_DEV_MODE", "true");
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_ISSUER", ISSUER);
        env.put("LATCHKEY_INTERNAL_SECRET", TestAuthServer.INTERNAL_SECRET);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keys.internalPort());
        AuthServerConfig config = AuthServerConfig.from(new Env(env));
        AuthServerVerticle auth = new AuthServerVerticle(config);
        Await.result(vertx.deployVerticle(auth));
        return new BenchServers(vertx, database, keys, auth, config);
    }

    /** The servers' Vert.x instance. */
    Vertx vertx() {
        return vertx;
    }

    DatabaseSettings database() {
        return database;
    }

    AuthServerConfig config() {
        return config;
    }

    int authPort() {
        return auth.port();
    }

    int authManagementPort() {
        return auth.managementPort();
    }

    int keysManagementPort() {
        return keys.managementPort();
    }

    /** auth-server's URL for {@code path}. */
    String authUrl(String path) {
        return "http://127.0.0.1:" + auth.port() + path;
    }

    /** key-service's internal listener's URL for {@code path}. */
    String keysInternalUrl(String path) {
        return "http://127.0.0.1:" + keys.internalPort() + path;
    }

    /** Stops both services and drops the database. */
    void close() {
        Await.result(vertx.close());
        TestPostgres.get().dropDatabase(database);
    }
}
