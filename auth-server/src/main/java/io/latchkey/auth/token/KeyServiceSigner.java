package io.latchkey.auth.token;

import io.latchkey.auth.http.OAuthError;
import io.latchkey.common.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs access tokens through key-service's {@code POST /internal/sign}, trying each configured URL in turn
 * when one cannot be reached or answers 5xx. A 4xx means auth-server built bad claims: no retry, a logged
 * {@code server_error}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2">RFC 9068 §2</a>
 */
public final class KeyServiceSigner implements TokenSigner {
    private static final Logger LOG = LoggerFactory.getLogger(KeyServiceSigner.class);
    private static final long TIMEOUT_MS = 5_000;

    private final WebClient client;
    private final List<String> signUrls;
    private final String authorization;
    /** The URL that signed last: later tokens start there, so a dead replica costs one failed attempt, not one per token. */
    private volatile int preferred;

    public KeyServiceSigner(Vertx vertx, List<URI> urls, String internalSecret, int connections) {
        this(vertx, urls, internalSecret, connections, ClientTls.defaults());
    }

    /**
     * {@code tls} decides which CAs an {@code https} key-service URL may present and which client certificate
     * auth-server shows when key-service asks (mutual TLS).
     */
    public KeyServiceSigner(Vertx vertx, List<URI> urls, String internalSecret, int connections, ClientTls tls) {
        this.client = WebClient.create(
                vertx,
                tls.applyTo(new WebClientOptions().setKeepAlive(true).setConnectTimeout(2_000)),
                new PoolOptions().setHttp1MaxSize(connections));
        this.signUrls = urls.stream()
                .map(u -> u.toString().replaceAll("/+$", "") + "/internal/sign")
                .toList();
        this.authorization = "Bearer " + internalSecret;
    }

    @Override
    public Future<String> sign(JsonObject claims) {
        JsonObject body = new JsonObject().put("typ", "at+jwt").put("claims", claims);
        return attempt(body.toBuffer(), preferred, 1);
    }

    /** Tries {@code index}, then the next URLs in turn (wrapping), {@code tries} counting the URLs used so far. */
    private Future<String> attempt(Buffer body, int index, int tries) {
        String url = signUrls.get(index);
        return client.postAbs(url)
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json")
                .timeout(TIMEOUT_MS)
                .sendBuffer(body)
                .transform(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() == 200) {
                        preferred = index;
                        return token(ar.result());
                    }
                    boolean retryable = ar.failed() || ar.result().statusCode() >= 500;
                    if (ar.failed()) {
                        LOG.warn(
                                "key-service {} unreachable: {}",
                                url,
                                ar.cause().getClass().getSimpleName());
                    } else {
                        LOG.error(
                                "key-service {} refused to sign: HTTP {}",
                                url,
                                ar.result().statusCode());
                    }
                    if (retryable && tries < signUrls.size()) {
                        return attempt(body, (index + 1) % signUrls.size(), tries + 1);
                    }
                    return Future.failedFuture(
                            retryable
                                    ? OAuthError.temporarilyUnavailable("Token signing is unavailable", 1)
                                    : OAuthError.serverError());
                });
    }

    private static Future<String> token(HttpResponse<Buffer> response) {
        try {
            String token = response.bodyAsJsonObject().getString("token");
            return token == null ? Future.failedFuture(OAuthError.serverError()) : Future.succeededFuture(token);
        } catch (RuntimeException e) {
            return Future.failedFuture(OAuthError.serverError());
        }
    }

    public void close() {
        client.close();
    }
}
