package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.latchkey.demo.ResourceDemoConfig;
import io.latchkey.demo.ResourceDemoVerticle;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The revocation feed after auth-server goes away, with the three services in one JVM on one database. Twenty
 * times: auth-server restarts, a logout is made the moment it is ready, and resource-demo must refuse the logged-out
 * token (each awaited with a deadline; the distribution is printed, not asserted). And a verifier given two
 * auth-server URLs keeps accepting tokens when the one it follows dies, for longer than its staleness bound, since
 * it moves to the other replica well before it would fail closed.
 */
class FeedRecoveryTest {
    private static final LoopbackHttp HTTP = new LoopbackHttp();
    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final int CYCLES = 20;

    private DatabaseSettings database;
    private Vertx vertx;
    private KeyServiceVerticle keys;
    private Map<String, String> common;
    private final List<String> authDeployments = new ArrayList<>();

    @BeforeEach
    void startKeyService() {
        database = TestPostgres.get().createDatabase();
        vertx = Vertx.vertx();
        common = new HashMap<>();
        common.put("LATCHKEY_DEV_MODE", "true");
        common.put("LATCHKEY_HOST", "127.0.0.1");
        common.put("LATCHKEY_DB_URL", database.url());
        common.put("LATCHKEY_ISSUER", "http://localhost:8080");
        common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);
        Map<String, String> keyEnv = new HashMap<>(common);
        keyEnv.put("LATCHKEY_PORT", "0");
        keyEnv.put("LATCHKEY_INTERNAL_PORT", "0");
        keyEnv.put("LATCHKEY_KEK", ReplicatedStack.newKek());
        keys = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        Await.result(vertx.deployVerticle(keys));
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
        TestPostgres.get().dropDatabase(database);
    }

    @Test
    void logoutRightAfterAuthServerRestartReachesResourceDemoEveryTime() throws Exception {
        int port = ServiceProcess.freePorts(1)[0];
        String auth = "http://127.0.0.1:" + port;
        String deployment = deployAuth(port);
        seed(auth);
        String demo = deployDemo(List.of(auth), "30s");

        List<Long> millis = new ArrayList<>();
        for (int cycle = 0; cycle < CYCLES; cycle++) {
            String token = login(auth);
            assertEquals(200, HTTP.get(demo + "/api/me", token).statusCode(), "cycle " + cycle);
            Await.result(vertx.undeploy(deployment));
            authDeployments.remove(deployment);
            deployment = deployAuth(port);
            awaitReady(auth);
            assertEquals(204, HTTP.post(auth + "/logout", token).statusCode(), "cycle " + cycle);
            Duration reflected = Await.untilEquals(
                    "cycle " + cycle + ": logout reflected at resource-demo",
                    DEADLINE,
                    401,
                    () -> LoopbackHttp.unchecked(() -> HTTP.get(demo + "/api/me", token))
                            .statusCode());
            millis.add(reflected.toMillis());
        }
        List<Long> sorted = millis.stream().sorted().toList();
        System.out.printf(
                "FeedRecovery: logout after auth-server restart reflected at resource-demo in ms: p50=%d p99=%d max=%d"
                        + " over=1s:%d of %d; all=%s%n",
                sorted.get(sorted.size() / 2),
                sorted.get((int) Math.ceil(sorted.size() * 0.99) - 1),
                sorted.get(sorted.size() - 1),
                sorted.stream().filter(m -> m > 1_000).count(),
                sorted.size(),
                millis);
    }

    @Test
    void verifierWithTwoAuthServersWhenTheFollowedOneDiesThenKeepsAcceptingTokensPastTheStalenessBound()
            throws Exception {
        int[] ports = ServiceProcess.freePorts(2);
        String first = "http://127.0.0.1:" + ports[0];
        String second = "http://127.0.0.1:" + ports[1];
        String firstDeployment = deployAuth(ports[0]);
        deployAuth(ports[1]);
        seed(first);
        Duration bound = Duration.ofSeconds(3);
        String demo = deployDemo(List.of(first, second), bound.toSeconds() + "s");
        String token = login(second);
        assertEquals(200, HTTP.get(demo + "/api/me", token).statusCode());

        Await.result(vertx.undeploy(firstDeployment));
        // Twice the staleness bound: had the verifier stayed on the dead replica it would answer 503 by now.
        long end = System.nanoTime() + bound.multipliedBy(2).toNanos();
        int requests = 0;
        while (System.nanoTime() < end) {
            HttpResponse<String> answer = HTTP.get(demo + "/api/me", token);
            assertEquals(200, answer.statusCode(), "request " + requests + ": " + answer.body());
            requests++;
        }
        // And it follows the surviving replica's feed: a logout there is reflected.
        assertEquals(204, HTTP.post(second + "/logout", token).statusCode());
        Await.untilEquals("logout at the surviving replica reflected", DEADLINE, 401, () -> LoopbackHttp.unchecked(
                        () -> HTTP.get(demo + "/api/me", token))
                .statusCode());
    }

    private String deployAuth(int port) {
        Map<String, String> env = new HashMap<>(common);
        env.put("LATCHKEY_PORT", Integer.toString(port));
        env.put("LATCHKEY_EVENT_LOOPS", "1");
        env.put("LATCHKEY_JWKS_URI", "http://127.0.0.1:" + keys.publicPort() + "/.well-known/jwks.json");
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keys.internalPort());
        env.put("LATCHKEY_ADMIN_CLIENT_SECRET", DevValues.ADMIN_CLIENT_SECRET);
        env.put("LATCHKEY_ARGON2_MEMORY_KIB", "256");
        env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
        String id = Await.result(vertx.deployVerticle(new AuthServerVerticle(AuthServerConfig.from(new Env(env)))));
        authDeployments.add(id);
        return id;
    }

    private String deployDemo(List<String> authUrls, String stalenessBound) {
        Map<String, String> env = new HashMap<>(common);
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_FEED_CLIENT_ID", "resource-demo");
        env.put("LATCHKEY_FEED_CLIENT_SECRET", DevValues.RESOURCE_DEMO_SECRET);
        env.put("LATCHKEY_AUTH_SERVER_URLS", String.join(",", authUrls));
        env.put("LATCHKEY_JWKS_URL", "http://127.0.0.1:" + keys.publicPort() + "/.well-known/jwks.json");
        env.put("LATCHKEY_FEED_STALENESS_BOUND", stalenessBound);
        ResourceDemoVerticle demo = new ResourceDemoVerticle(ResourceDemoConfig.from(new Env(env)));
        Await.result(vertx.deployVerticle(demo));
        String url = "http://127.0.0.1:" + demo.port();
        Await.untilEquals("resource-demo ready", DEADLINE, 200, () -> LoopbackHttp.unchecked(
                        () -> HTTP.get(url + "/health/ready", null))
                .statusCode());
        return url;
    }

    private static void awaitReady(String auth) {
        Await.untilEquals("auth-server ready", DEADLINE, 200, () -> LoopbackHttp.unchecked(
                        () -> HTTP.get(auth + "/health/ready", null))
                .statusCode());
    }

    private static String login(String auth) throws Exception {
        HttpResponse<String> response = HTTP.form(
                auth + "/oauth2/token",
                null,
                Map.of(
                        "grant_type", "password",
                        "client_id", "demo-app",
                        "username", "feed-user",
                        "password", "feed-user-password"));
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body()).getString("access_token");
    }

    private static void seed(String auth) throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth + "/oauth2/token",
                LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, token.statusCode(), token.body());
        String admin = new JsonObject(token.body()).getString("access_token");
        created(HTTP.postJson(
                auth + "/admin/users",
                admin,
                new JsonObject().put("username", "feed-user").put("password", "feed-user-password")));
        created(HTTP.postJson(
                auth + "/admin/clients",
                admin,
                new JsonObject()
                        .put("client_id", "demo-app")
                        .put("token_endpoint_auth_method", "none")
                        .put("grant_types", new JsonArray(List.of("password")))
                        .put("scopes", new JsonArray(List.of("notes:read")))
                        .put("audience", "resource-demo")));
        HTTP.registerFeedClient(auth, admin);
    }

    private static void created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
    }
}
