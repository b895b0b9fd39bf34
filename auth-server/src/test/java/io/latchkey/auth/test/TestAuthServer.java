package io.latchkey.auth.test;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.common.config.Env;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
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

    private TestAuthServer(Vertx vertx, Map<String, String> env) {
        this.vertx = vertx;
        this.verticle = new AuthServerVerticle(AuthServerConfig.from(new Env(env)));
        this.deployment = Await.result(vertx.deployVerticle(verticle));
        this.client = WebClient.create(
                vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(verticle.port()));
    }

    public static Map<String, String> env(PostgresExtension db) {
        Map<String, String> env = new HashMap<>();
        env.put("LATCHKEY_DB_URL", db.url());
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

    public static TestAuthServer start(Vertx vertx, Map<String, String> env) {
        return new TestAuthServer(vertx, env);
    }

    public int port() {
        return verticle.port();
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

    public static String basic(String id, String secret) {
        return "Basic "
                + Base64.getEncoder()
                        .encodeToString((id + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        client.close();
        Await.result(vertx.undeploy(deployment));
    }
}
