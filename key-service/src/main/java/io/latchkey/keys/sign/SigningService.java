package io.latchkey.keys.sign;

import io.latchkey.keys.api.ApiError;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.keys.KeyRings;
import io.latchkey.keys.keys.SigningKey;
import io.latchkey.keys.metrics.KeyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a signing request against the {@link ClaimBounds} and signs it with the key of the requested algorithm's
 * ring ({@code alg}, RS256 when absent) active at that instant.
 * The signature runs on a worker (the default) or, when configured, on the calling event loop. A batch is
 * checked claim set by claim set, and signed in one go on a worker: one hand-off for all of them.
 */
public final class SigningService {
    /** The most claim sets one batch may carry. */
    public static final int MAX_BATCH = 64;

    private final KeyRings rings;
    private final ClaimBounds bounds;
    private final TokenSigner signer;
    private final Vertx vertx;
    private final boolean onEventLoop;
    private final KeyMetrics metrics;

    public SigningService(
            KeyRings rings,
            ClaimBounds bounds,
            TokenSigner signer,
            Vertx vertx,
            boolean onEventLoop,
            KeyMetrics metrics) {
        this.rings = rings;
        this.metrics = metrics;
        this.bounds = bounds;
        this.signer = signer;
        this.vertx = vertx;
        this.onEventLoop = onEventLoop;
    }

    /** Signs {@code {"typ","alg"?,"claims":{...}}} under a header of that {@code typ} and {@code alg}. */
    public Future<SignedToken> sign(JsonObject request) {
        TokenType type;
        SigningAlgorithm alg;
        JsonObject claims;
        try {
            type = TokenType.of(request.getValue("typ"));
            alg = configuredAlgorithm(request.getValue("alg"));
            claims = bounds.check(type, request.getValue("claims"), rings.now());
        } catch (ApiError e) {
            metrics.rejected();
            return Future.failedFuture(e);
        }
        if (onEventLoop) {
            try {
                return Future.succeededFuture(signNow(type, alg, claims));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        // Unordered, so concurrent requests use every worker thread at once.
        return vertx.executeBlocking(() -> signNow(type, alg, claims), false);
    }

    /**
     * A request's {@code alg} (to sign with, or a ring to rotate): absent (null) is RS256; otherwise it must name a
     * configured ring exactly, or an {@code invalid_request} lists what is configured, never the value sent.
     */
    public SigningAlgorithm configuredAlgorithm(Object alg) {
        if (alg == null) {
            return SigningAlgorithm.RS256;
        }
        return SigningAlgorithm.named(alg)
                .filter(rings.algorithms()::contains)
                .orElseThrow(() -> ApiError.invalidRequest("alg must be one of "
                        + String.join(
                                ", ",
                                rings.algorithms().stream().map(Enum::name).toList())));
    }

    /**
     * Signs {@code {"typ","alg"?,"claims":[{...},...]}}, every claim set as that one {@code typ} and {@code alg}: one result per claim
     * set, in order, each a token or the {@link ApiError} its own claims earned. A malformed request, or no
     * signing key, fails it whole.
     */
    public Future<List<BatchResult>> signBatch(JsonObject request) {
        TokenType type;
        SigningAlgorithm alg;
        try {
            type = TokenType.of(request.getValue("typ"));
            alg = configuredAlgorithm(request.getValue("alg"));
        } catch (ApiError e) {
            metrics.rejected();
            return Future.failedFuture(e);
        }
        if (!(request.getValue("claims") instanceof JsonArray all) || all.isEmpty() || all.size() > MAX_BATCH) {
            metrics.rejected();
            return Future.failedFuture(
                    ApiError.invalidRequest("claims must be an array of 1 to " + MAX_BATCH + " JSON objects"));
        }
        metrics.batch(all.size());
        Instant now = rings.now();
        List<Object> checked = new ArrayList<>(all.size());
        for (Object claims : all) {
            try {
                checked.add(bounds.check(type, claims, now));
            } catch (ApiError e) {
                metrics.rejected();
                checked.add(e);
            }
        }
        // Always a worker: a few signatures in a row are past the millisecond an event loop may spend.
        return vertx.executeBlocking(() -> signAll(type, alg, checked), false);
    }

    private List<BatchResult> signAll(TokenType type, SigningAlgorithm alg, List<Object> checked) {
        List<BatchResult> results = new ArrayList<>(checked.size());
        for (Object item : checked) {
            results.add(
                    item instanceof ApiError error
                            ? BatchResult.failed(error)
                            : BatchResult.signed(signNow(type, alg, (JsonObject) item)));
        }
        return results;
    }

    /** Picks the key at the moment of signing, so a refresh that just dropped a revoked key applies at once. */
    private SignedToken signNow(TokenType type, SigningAlgorithm alg, JsonObject claims) {
        Instant now = rings.now();
        SigningKey key = rings.signingKeyAt(alg, now).orElse(null);
        if (key == null) {
            metrics.unavailable();
            throw ApiError.unavailable("no signing key is available; retry shortly");
        }
        long started = System.nanoTime();
        SignedToken token = new SignedToken(signer.sign(key, type, claims), key.kid());
        metrics.signingTook(System.nanoTime() - started);
        metrics.signed();
        return token;
    }
}
