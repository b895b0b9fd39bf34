package io.latchkey.auth.token;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.concurrent.EventLoopBatcher;
import io.latchkey.common.tls.ClientTls;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs access, ID and logout tokens through key-service's {@code POST /internal/sign}, trying each configured URL in turn
 * when one cannot be reached or answers 5xx (each such attempt a debug line; when all fail, 503 {@code
 * temporarily_unavailable}, counted against the {@code key-service} dependency, which logs the outage once). A 4xx means auth-server built bad claims: no retry, a {@code server_error} whose
 * cause the failure handler logs. Tokens that queue up on an event loop while earlier requests are out go together to
 * {@code POST /internal/sign/batch}, one batch per ({@code typ}, {@code alg}); a key-service without it (404, an
 * older version) gets them one by one. The {@code alg} (the client's) goes with every request.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2">RFC 9068 §2</a>
 */
public final class KeyServiceSigner implements TokenSigner {
    /** The name of the dependency whose outage a failed signing answers. */
    public static final String KEY_SERVICE = "key-service";

    private static final Logger LOG = LoggerFactory.getLogger(KeyServiceSigner.class);
    private static final long TIMEOUT_MS = 5_000;
    /**
     * Requests out at once per event loop before tokens start to wait: enough to keep key-service's workers busy
     * while the next batch gathers (on 2 cores, 4 did best of 1 to 8 in noisy dev-stack runs; 1 left CPU idle).
     */
    private static final int BATCHES_IN_FLIGHT = 4;
    /** Half of key-service's limit, so a batch signs in a few milliseconds. */
    private static final int MAX_BATCH = 32;

    private final WebClient client;
    private final List<String> baseUrls;
    private final String authorization;
    /** One batcher per ({@code typ}, {@code alg}): a batch request carries one of each for all its claim sets. */
    private final Map<String, EventLoopBatcher<JsonObject, String>> batchers;
    /** The URL that signed last: later tokens start there, so a dead replica costs one failed attempt, not one per token. */
    private volatile int preferred;
    /** Cleared for good when a key-service answers the batch path with 404. */
    private volatile boolean batchPath = true;

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
                // Pooled connections are closed after 30 s unused, well before key-service's idle timeout (60 s by
                // default), so a signature is never sent on a connection the server is closing.
                tls.applyTo(new WebClientOptions()
                        .setKeepAlive(true)
                        .setKeepAliveTimeout(30)
                        .setConnectTimeout(2_000)),
                new PoolOptions().setHttp1MaxSize(connections));
        this.baseUrls = urls.stream()
                .map(u -> u.toString().replaceAll("/+$", "") + "/internal/sign")
                .toList();
        this.authorization = "Bearer " + internalSecret;
        Map<String, EventLoopBatcher<JsonObject, String>> all = new HashMap<>();
        for (String typ : List.of(ACCESS_TOKEN, ID_TOKEN, LOGOUT_TOKEN)) {
            for (String alg : List.of(RS256, ES256)) {
                all.put(key(typ, alg), batcher(typ, alg));
            }
        }
        this.batchers = Map.copyOf(all);
    }

    private static String key(String typ, String alg) {
        return typ + " " + alg;
    }

    private EventLoopBatcher<JsonObject, String> batcher(String typ, String alg) {
        return new EventLoopBatcher<>(claims -> signAll(typ, alg, claims), BATCHES_IN_FLIGHT, MAX_BATCH);
    }

    /**
     * Tokens of one {@code typ} and {@code alg} that queue up on an event loop go to key-service together (a mass
     * logout's).
     */
    @Override
    public Future<String> sign(String typ, String alg, JsonObject claims) {
        EventLoopBatcher<JsonObject, String> batcher = batchers.get(key(typ, alg));
        return batcher == null
                ? Future.failedFuture(new IllegalArgumentException("no such token type or algorithm"))
                : batcher.submit(claims);
    }

    private Future<List<AsyncResult<String>>> signAll(String typ, String alg, List<JsonObject> claims) {
        if (claims.size() == 1 || !batchPath) {
            List<Future<String>> each = new ArrayList<>(claims.size());
            claims.forEach(c -> each.add(signOne(typ, alg, c)));
            return Future.join(each).transform(ar -> Future.succeededFuture(new ArrayList<AsyncResult<String>>(each)));
        }
        JsonObject body =
                new JsonObject().put("typ", typ).put("alg", alg).put("claims", new JsonArray(List.copyOf(claims)));
        return attempt("/batch", body.toBuffer(), preferred, 1).compose(response -> {
            if (response.statusCode() == 404) {
                LOG.warn("key-service has no batch signing; signing one token per request from now on");
                batchPath = false;
                return signAll(typ, alg, claims);
            }
            return batchResults(response, claims.size());
        });
    }

    private Future<String> signOne(String typ, String alg, JsonObject claims) {
        JsonObject body = new JsonObject().put("typ", typ).put("alg", alg).put("claims", claims);
        return attempt("", body.toBuffer(), preferred, 1).compose(response -> {
            if (response.statusCode() != 200) {
                return refused(response);
            }
            JsonObject result;
            try {
                result = response.bodyAsJsonObject();
            } catch (RuntimeException e) {
                // Not the decoder's message: it may quote the body.
                return failure("key-service answered a sign request with a malformed body");
            }
            return token(result);
        });
    }

    private static Future<List<AsyncResult<String>>> batchResults(HttpResponse<Buffer> response, int expected) {
        if (response.statusCode() != 200) {
            return refused(response);
        }
        JsonArray results;
        try {
            results = response.bodyAsJsonObject().getJsonArray("results");
        } catch (RuntimeException e) {
            results = null;
        }
        if (results == null || results.size() != expected) {
            return failure("key-service answered a batch of " + expected + " with a malformed body");
        }
        List<AsyncResult<String>> tokens = new ArrayList<>(expected);
        for (Object result : results) {
            tokens.add(
                    result instanceof JsonObject json
                            ? token(json)
                            : failure("key-service answered a batch with a malformed result"));
        }
        return Future.succeededFuture(tokens);
    }

    /** A 4xx other than the batch path's 404: auth-server built bad claims, which retrying cannot fix. */
    private static <T> Future<T> refused(HttpResponse<Buffer> response) {
        return failure("key-service refused to sign: HTTP " + response.statusCode());
    }

    private static Future<String> token(JsonObject result) {
        String token = result.getValue("token") instanceof String t ? t : null;
        if (token == null) {
            return failure("key-service refused to sign: " + result.getValue("error"));
        }
        return Future.succeededFuture(token);
    }

    /** A {@code server_error} whose cause says what went wrong; the request's failure handler logs it once. */
    private static <T> Future<T> failure(String what) {
        return Future.failedFuture(OAuthError.serverError(new IllegalStateException(what)));
    }

    /**
     * Posts to {@code index}'s sign URL plus {@code suffix}, then the next URLs in turn (wrapping) while they are
     * unreachable or answer 5xx, {@code tries} counting the URLs used so far. Any other answer is returned.
     */
    private Future<HttpResponse<Buffer>> attempt(String suffix, Buffer body, int index, int tries) {
        String url = baseUrls.get(index) + suffix;
        return client.postAbs(url)
                .putHeader("Authorization", authorization)
                .putHeader("Content-Type", "application/json")
                .timeout(TIMEOUT_MS)
                .sendBuffer(body)
                .transform(ar -> {
                    if (ar.succeeded() && ar.result().statusCode() < 500) {
                        if (ar.result().statusCode() == 200) {
                            preferred = index;
                        }
                        return Future.succeededFuture(ar.result());
                    }
                    // Debug only: during an outage this runs per request; the key-service Dependency logs the outage.
                    if (ar.failed()) {
                        LOG.debug(
                                "key-service {} unreachable: {}",
                                url,
                                ar.cause().getClass().getSimpleName());
                    } else {
                        LOG.debug(
                                "key-service {} failed to sign: HTTP {}",
                                url,
                                ar.result().statusCode());
                    }
                    if (tries < baseUrls.size()) {
                        return attempt(suffix, body, (index + 1) % baseUrls.size(), tries + 1);
                    }
                    return Future.failedFuture(
                            OAuthError.dependencyDown(KEY_SERVICE, "Token signing is unavailable", 1));
                });
    }

    public void close() {
        client.close();
    }
}
