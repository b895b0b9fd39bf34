package io.latchkey.stack;

import io.latchkey.common.config.DevValues;
import io.latchkey.common.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Seeds the dev user and clients (listed in the top-level README) when they are absent, through auth-server's own
 * admin API as {@code admin-cli}: the same validation as any admin call, and no second way to write users or
 * clients. A 409 (already there) counts as seeded, so a restart never duplicates nor overwrites anything.
 */
final class DevSeed {
    private static final long SEED_SECONDS = 60;

    static final String DEFAULT_WEB_APP = "http://localhost:8082";

    private DevSeed() {}

    static void apply(Vertx vertx, int authServerPort) throws Exception {
        apply(vertx, authServerPort, null, DEFAULT_WEB_APP);
    }

    /** Over HTTPS trusting {@code tls} when it is not null, else over plain HTTP. */
    static void apply(Vertx vertx, int authServerPort, ClientTls tls, String webApp) throws Exception {
        WebClientOptions options =
                new WebClientOptions().setDefaultHost("localhost").setDefaultPort(authServerPort);
        WebClient http = WebClient.create(vertx, tls == null ? options : tls.applyTo(options.setSsl(true)));
        try {
            adminToken(http)
                    .compose(token -> create(http, token, "/admin/users", alice())
                            .compose(v -> create(http, token, "/admin/clients", demoApp()))
                            .compose(v -> create(http, token, "/admin/clients", demoService()))
                            .compose(v -> create(http, token, "/admin/clients", resourceDemo()))
                            .compose(v -> create(http, token, "/admin/clients", demoWeb(webApp))))
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(SEED_SECONDS, TimeUnit.SECONDS);
        } finally {
            http.close();
        }
    }

    private static Future<String> adminToken(WebClient http) {
        return http.post("/oauth2/token")
                .basicAuthentication("admin-cli", DevValues.ADMIN_CLIENT_SECRET)
                .sendForm(io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("grant_type", "client_credentials"))
                .compose(response -> response.statusCode() == 200
                        ? Future.succeededFuture(response.bodyAsJsonObject().getString("access_token"))
                        : Future.failedFuture(failure("admin token", response)));
    }

    private static Future<Void> create(WebClient http, String token, String path, JsonObject body) {
        return http.post(path)
                .bearerTokenAuthentication(token)
                .sendJsonObject(body)
                .compose(response -> {
                    if (response.statusCode() == 201 || response.statusCode() == 409) {
                        return Future.succeededFuture();
                    }
                    return Future.failedFuture(failure(path, response));
                });
    }

    private static IllegalStateException failure(String what, HttpResponse<Buffer> response) {
        return new IllegalStateException("seeding failed at " + what + ": HTTP " + response.statusCode());
    }

    /** The dev user, with the profile the notes web app shows once she signs in with openid, profile and email. */
    static JsonObject alice() {
        return new JsonObject()
                .put("username", "alice")
                .put("password", "alice-dev-password")
                .put("name", "Alice Example")
                .put("email", "alice@example.com")
                .put("email_verified", true);
    }

    static JsonObject demoApp() {
        return client("demo-app", null, List.of("password", "refresh_token"), List.of("notes:read", "notes:write"))
                .put("token_endpoint_auth_method", "none");
    }

    static JsonObject demoService() {
        return client(
                "demo-service", DevValues.DEMO_SERVICE_SECRET, List.of("client_credentials"), List.of("notes:read"));
    }

    static JsonObject resourceDemo() {
        return client(
                "resource-demo",
                DevValues.RESOURCE_DEMO_SECRET,
                List.of("client_credentials"),
                List.of("revocations:read"));
    }

    /**
     * The notes web app that resource-demo serves at {@code webApp} ({@code http://localhost:8082} by default; the
     * stack's resource-demo URL, so {@code --tls} and another port register what the app sends): a server-side,
     * first-party client of the browser flow, so no consent page and no CORS origin.
     */
    static JsonObject demoWeb(String webApp) {
        return client(
                        "demo-web",
                        DevValues.DEMO_WEB_SECRET,
                        List.of("authorization_code", "refresh_token"),
                        List.of("openid", "profile", "email", "notes:read", "notes:write"))
                .put("client_name", "Latchkey Notes")
                .put("first_party", true)
                .put("redirect_uris", new JsonArray().add(webApp + "/callback"))
                .put("post_logout_redirect_uris", new JsonArray().add(webApp + "/"))
                .put("backchannel_logout_uri", webApp + "/backchannel-logout");
    }

    private static JsonObject client(String id, String secret, List<String> grants, List<String> scopes) {
        JsonObject client = new JsonObject()
                .put("client_id", id)
                .put("grant_types", new JsonArray(grants))
                .put("scopes", new JsonArray(scopes))
                .put("audience", "resource-demo");
        if (secret != null) {
            client.put("client_secret", secret);
        }
        return client;
    }
}
