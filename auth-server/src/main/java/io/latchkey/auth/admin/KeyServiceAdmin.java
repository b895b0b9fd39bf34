package io.latchkey.auth.admin;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Relays the admin API's key operations to key-service's internal API ({@code GET /internal/keys}, {@code POST
 * /internal/keys/rotate}, {@code POST /internal/keys/{kid}/revoke}) with the internal secret, trying each of
 * {@code LATCHKEY_KEY_SERVICE_URL}'s URLs in turn while one is unreachable or answers 5xx. When none answers, 503
 * {@code temporarily_unavailable} with {@code Retry-After}. A 404 is {@code not_found}; another 4xx is relayed as
 * {@code invalid_request} (key-service's descriptions hold no secret), anything else is a {@code server_error}.
 */
public final class KeyServiceAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(KeyServiceAdmin.class);
    private static final long TIMEOUT_MS = 10_000;
    private static final long RETRY_AFTER_SECONDS = 5;

    private final WebClient client;
    private final List<String> baseUrls;
    private final String authorization;

    public KeyServiceAdmin(Vertx vertx, List<URI> urls, String internalSecret, ClientTls tls) {
        this.client = WebClient.create(
                vertx,
                tls.applyTo(new WebClientOptions().setKeepAlive(true).setConnectTimeout(2_000)),
                new PoolOptions().setHttp1MaxSize(2));
        this.baseUrls = urls.stream()
                .map(u -> u.toString().replaceAll("/+$", "") + "/internal/keys")
                .toList();
        this.authorization = "Bearer " + internalSecret;
    }

    /** key-service's {@code {"keys":[...]}}. */
    public Future<JsonObject> list() {
        return send(HttpMethod.GET, "", null, 0, 1).compose(KeyServiceAdmin::body);
    }

    /** The new key; {@code body} (such as {@code {"alg"}}) is passed on as given, or nothing when null. */
    public Future<JsonObject> rotate(JsonObject body) {
        return send(HttpMethod.POST, "/rotate", body, 0, 1).compose(KeyServiceAdmin::body);
    }

    /** key-service's revocation answer ({@code kid}, {@code already_revoked}, {@code successor_kid}). */
    public Future<JsonObject> revoke(String kid) {
        return send(HttpMethod.POST, "/" + kid + "/revoke", null, 0, 1).compose(KeyServiceAdmin::body);
    }

    private Future<HttpResponse<Buffer>> send(HttpMethod method, String suffix, JsonObject body, int index, int tries) {
        String url = baseUrls.get(index) + suffix;
        HttpRequest<Buffer> request = client.requestAbs(method, url)
                .putHeader("Authorization", authorization)
                .timeout(TIMEOUT_MS);
        Future<HttpResponse<Buffer>> sent = body == null
                ? request.send()
                : request.putHeader("Content-Type", "application/json").sendBuffer(body.toBuffer());
        return sent.transform(ar -> {
            if (ar.succeeded() && ar.result().statusCode() < 500) {
                return Future.succeededFuture(ar.result());
            }
            if (ar.failed()) {
                LOG.warn(
                        "key-service {} unreachable: {}",
                        baseUrls.get(index),
                        ar.cause().getClass().getSimpleName());
            } else {
                LOG.warn(
                        "key-service {} answered {} to a key operation",
                        baseUrls.get(index),
                        ar.result().statusCode());
            }
            if (tries < baseUrls.size()) {
                return send(method, suffix, body, (index + 1) % baseUrls.size(), tries + 1);
            }
            return Future.failedFuture(OAuthError.temporarilyUnavailable(
                    "key-service did not answer; try again later", RETRY_AFTER_SECONDS));
        });
    }

    private static Future<JsonObject> body(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        JsonObject json;
        try {
            json = response.bodyAsJsonObject();
        } catch (RuntimeException e) {
            json = null;
        }
        if (status == 200 || status == 201) {
            return json == null
                    ? Future.failedFuture(OAuthError.serverError(
                            new IllegalStateException("key-service answered a key operation with a malformed body")))
                    : Future.succeededFuture(json);
        }
        if (status == 404) {
            return Future.failedFuture(PathIds.noKey());
        }
        if (status >= 400 && status < 500 && status != 401 && status != 403) {
            String description =
                    json == null ? null : json.getValue("error_description") instanceof String s ? s : null;
            return Future.failedFuture(OAuthError.invalidRequest(
                    printable(description) ? description : "key-service refused the request"));
        }
        // 401/403: our internal secret is wrong, which is the operator's to fix, not the caller's.
        return Future.failedFuture(OAuthError.serverError(
                new IllegalStateException("key-service answered a key operation with " + status)));
    }

    private static boolean printable(String text) {
        return text != null
                && !text.isEmpty()
                && text.length() <= 200
                && text.chars().allMatch(c -> c >= 0x20 && c < 0x7f);
    }

    public void close() {
        client.close();
    }
}
