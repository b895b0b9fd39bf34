package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.DevValues;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * resource-demo against real upstreams that go away, each a separate JVM on one PostgreSQL: with key-service
 * stopped it keeps verifying with the keys it has; with its revocation feed gone past the staleness bound it
 * fails closed (503), and it recovers by itself when an auth-server is back.
 */
class ResourceServerOutageIT {
    private static final Duration READY = Duration.ofSeconds(90);
    private static final LoopbackHttp HTTP = new LoopbackHttp();

    @TempDir
    static Path dir;

    private static DatabaseSettings database;
    private static final List<Replica> replicas = new ArrayList<>();

    @BeforeAll
    static void database() {
        database = TestPostgres.get().createDatabase();
    }

    @AfterAll
    static void stop() {
        replicas.forEach(replica -> replica.process().close());
        TestPostgres.get().dropDatabase(database);
    }

    @Test
    void resourceDemoWhenKeyServiceStopsThenVerifiesAndWhenFeedIsCutThenFailsClosedAndRecovers() throws Exception {
        int[] ports = ServiceProcess.freePorts(4);
        Map<String, String> common = new HashMap<>();
        common.put("LATCHKEY_DEV_MODE", "true");
        common.put("LATCHKEY_HOST", "127.0.0.1");
        common.put("LATCHKEY_DB_URL", database.url());
        common.put("LATCHKEY_ISSUER", "http://localhost:" + ports[2]);
        common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);

        Map<String, String> keyEnv = new HashMap<>(common);
        keyEnv.put("LATCHKEY_PORT", Integer.toString(ports[0]));
        keyEnv.put("LATCHKEY_INTERNAL_PORT", Integer.toString(ports[1]));
        keyEnv.put("LATCHKEY_KEK", ReplicatedStack.newKek());
        Replica keys = start("key-service", "io.latchkey.keys.KeyServiceMain", ports[0], keyEnv);

        Map<String, String> authEnv = new HashMap<>(common);
        authEnv.put("LATCHKEY_PORT", Integer.toString(ports[2]));
        authEnv.put("LATCHKEY_JWKS_URI", keys.url() + "/.well-known/jwks.json");
        authEnv.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + ports[1]);
        authEnv.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
        authEnv.put("LATCHKEY_ARGON2_MEMORY_KIB", "256");
        authEnv.put("LATCHKEY_ARGON2_ITERATIONS", "1");
        Replica auth = start("auth-server", "io.latchkey.auth.AuthServerMain", ports[2], authEnv);
        seed(auth);

        Map<String, String> demoEnv = new HashMap<>(common);
        demoEnv.put("LATCHKEY_PORT", Integer.toString(ports[3]));
        demoEnv.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        demoEnv.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
        demoEnv.put("LATCHKEY_AUTH_SERVER_URLS", auth.url());
        demoEnv.put("LATCHKEY_JWKS_URL", keys.url() + "/.well-known/jwks.json");
        demoEnv.put("LATCHKEY_FEED_STALENESS_BOUND", "3s");
        Replica demo = start("resource-demo", "io.latchkey.demo.ResourceDemoMain", ports[3], demoEnv);

        String seen = login(auth);
        String neverSeen = login(auth);
        assertEquals(200, me(demo, seen).statusCode());

        keys.process().kill();
        assertEquals(200, me(demo, seen).statusCode(), "a cached token stays valid without key-service");
        assertEquals(
                200, me(demo, neverSeen).statusCode(), "a new token verifies with the kept keys without key-service");

        auth.process().kill();
        HttpResponse<String> closed = awaitStatus(demo, seen, 503, Duration.ofSeconds(20));
        assertEquals("temporarily_unavailable", new JsonObject(closed.body()).getString("error"), closed.body());
        assertTrue(closed.headers().firstValue("Retry-After").isPresent(), "503 carries Retry-After");

        start("auth-server-again", "io.latchkey.auth.AuthServerMain", ports[2], authEnv);
        awaitStatus(demo, seen, 200, Duration.ofSeconds(30));
    }

    private static Replica start(String name, String mainClass, int port, Map<String, String> env) {
        Replica replica = Replica.start(name, mainClass, port, env, dir);
        replicas.add(replica);
        replica.awaitReady(READY);
        return replica;
    }

    private static HttpResponse<String> me(Replica demo, String token) throws IOException, InterruptedException {
        return HTTP.get(demo.url() + "/api/me", token);
    }

    /** Polls until the status is {@code wanted}; returns that answer, or fails at the deadline with the last one. */
    private static HttpResponse<String> awaitStatus(Replica demo, String token, int wanted, Duration deadline) {
        AtomicReference<HttpResponse<String>> last = new AtomicReference<>();
        Await.untilEquals(demo.name() + " answers " + wanted, deadline, wanted, () -> {
            last.set(LoopbackHttp.unchecked(() -> me(demo, token)));
            return last.get().statusCode();
        });
        return last.get();
    }

    private static String login(Replica auth) throws Exception {
        HttpResponse<String> response = HTTP.form(
                auth.url() + "/oauth2/token",
                null,
                Map.of(
                        "grant_type", "password",
                        "client_id", "demo-app",
                        "username", "outage-user",
                        "password", "outage-user-password"));
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getString("access_token");
    }

    private static void seed(Replica auth) throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth.url() + "/oauth2/token",
                LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, token.statusCode(), token.body());
        String admin = new JsonObject(token.body()).getString("access_token");
        created(HTTP.postJson(
                auth.url() + "/admin/users",
                admin,
                new JsonObject().put("username", "outage-user").put("password", "outage-user-password")));
        created(HTTP.postJson(
                auth.url() + "/admin/clients",
                admin,
                new JsonObject()
                        .put("client_id", "demo-app")
                        .put("token_endpoint_auth_method", "none")
                        .put("grant_types", new JsonArray(List.of("password")))
                        .put("scopes", new JsonArray(List.of("notes:read")))
                        .put("audience", "resource-demo")));
        HTTP.registerFeedClient(auth.url(), admin);
    }

    private static void created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
    }
}
