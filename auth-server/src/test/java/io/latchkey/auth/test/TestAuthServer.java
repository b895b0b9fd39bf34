package io.latchkey.auth.test;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.feed.FeedSettings;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * auth-server started in-process on a random port against the class's database, with cheap Argon2 settings
 * unless a test overrides them. {@link #keyServiceUrl} points at a real key-service when a test needs signing.
 */
public final class TestAuthServer implements AutoCloseable {
    public static final String ISSUER = "http://localhost:8080";
    public static final String INTERNAL_SECRET = "test-internal-secret-0123456789abcdefghij";

    private final Vertx vertx;
    private final AuthServerVerticle verticle;
    private final WebClient client;
    private final String deployment;

    private TestAuthServer(Vertx vertx, AuthServerVerticle verticle) {
        this.vertx = vertx;
        this.verticle = verticle;
        this.deployment = Await.result(vertx.deployVerticle(verticle));
        this.client = WebClient.create(
                vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.port()));
    }

    public static Map<String, String> env(PostgresExtension db) {
        return env(db.url());
    }

    /** The settings of {@link #env(PostgresExtension)} for the database at {@code databaseUrl}. */
    public static Map<String, String> env(String databaseUrl) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_DB_URL", databaseUrl);
        env.put("LATCHKEY_DEV_MODE", "true");
        env.put("LATCHKEY_HOST", "127.0.0.1");
        env.put("LATCHKEY_PORT", "0");
        env.put("LATCHKEY_ISSUER", ISSUER);
        env.put("LATCHKEY_INTERNAL_SECRET", INTERNAL_SECRET);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:9");
        env.put("LATCHKEY_ARGON2_MEMORY_KIB", "256");
        env.put("LATCHKEY_ARGON2_ITERATIONS", "1");
        env.put("LATCHKEY_DB_POOL_SIZE", "8");
        return env;
    }

    /**
     * {@link #env} with one event loop, so every stream is served on the loop that runs the revocation feed: the
     * feed is confined to that loop, and a stream opened on another listener's loop races with its broadcasts.
     */
    public static Map<String, String> feedEnv(PostgresExtension db) {
        Map<String, String> env = env(db);
        env.put("LATCHKEY_EVENT_LOOPS", "1");
        return env;
    }

    public static TestAuthServer start(Vertx vertx, Map<String, String> env) {
        return start(vertx, new AuthServerVerticle(AuthServerConfig.from(new Env(env))));
    }

    /** Deploys a verticle the test has configured further (its feed's pace, its listener's options). */
    public static TestAuthServer start(Vertx vertx, AuthServerVerticle verticle) {
        return new TestAuthServer(vertx, verticle);
    }

    /** The configuration {@code env} gives, with other feed settings than environment variables can say. */
    public static AuthServerConfig config(Map<String, String> env, FeedSettings feed) {
        AuthServerConfig c = AuthServerConfig.from(new Env(env));
        return new AuthServerConfig(
                c.database(),
                c.host(),
                c.port(),
                c.issuer(),
                c.jwksUri(),
                c.keyServiceUrls(),
                c.internalSecret(),
                c.adminClientSecret(),
                c.accessTokenTtl(),
                c.refreshTokenTtl(),
                c.sessionMaxAge(),
                c.trustedProxies(),
                c.argon2(),
                c.databasePoolSize(),
                c.eventLoops(),
                feed,
                c.tls(),
                c.keyServiceTls(),
                c.listeners(),
                c.dpopNonceRequired(),
                c.logoutBatchSize());
    }

    public int port() {
        return verticle.port();
    }

    /** The management listener's port: health and {@code /metrics}. */
    public int managementPort() {
        return verticle.managementPort();
    }

    /** {@code GET path} on the management listener. */
    public HttpResponse<Buffer> management(String path) {
        return Await.result(client.get(managementPort(), "127.0.0.1", path).send());
    }

    public WebClient client() {
        return client;
    }

    /** POSTs a form body, with Basic credentials when {@code basicId} is not null. */
    public HttpResponse<Buffer> postForm(String path, String basicId, String basicSecret, String form) {
        HttpRequest<Buffer> request =
                client.request(HttpMethod.POST, path).putHeader("Content-Type", "application/x-www-form-urlencoded");
        if (basicId != null) {
            request.putHeader("Authorization", basic(basicId, basicSecret));
        }
        return Await.result(request.sendBuffer(Buffer.buffer(form)));
    }

    public HttpResponse<Buffer> token(String basicId, String form) {
        return postForm("/oauth2/token", basicId, basicId == null ? null : TestClients.secretOf(basicId), form);
    }

    /** {@code Authorization: Basic} of id and secret as given: a test that means to encode them does so first. */
    public static String basic(String id, String secret) {
        return "Basic " + Base64.getEncoder().encodeToString((id + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        client.close();
        Await.result(vertx.undeploy(deployment));
    }
}
