package io.latchkey.keys.sign;

import io.latchkey.keys.http.ApiError;
import io.latchkey.keys.keys.KeyRing;
import io.latchkey.keys.keys.SigningKey;
import io.latchkey.keys.metrics.KeyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/**
 * Checks a signing request against the {@link ClaimBounds} and signs it with the key active at that instant.
 * The signature runs on a worker (the default) or, when configured, on the calling event loop.
 */
public final class SigningService {
    private final KeyRing ring;
    private final ClaimBounds bounds;
    private final TokenSigner signer;
    private final Vertx vertx;
    private final boolean onEventLoop;
    private final KeyMetrics metrics;

    public SigningService(
            KeyRing ring,
            ClaimBounds bounds,
            TokenSigner signer,
            Vertx vertx,
            boolean onEventLoop,
            KeyMetrics metrics) {
        this.ring = ring;
        this.metrics = metrics;
        this.bounds = bounds;
        this.signer = signer;
        this.vertx = vertx;
        this.onEventLoop = onEventLoop;
    }

    public boolean signsOnEventLoop() {
        return onEventLoop;
    }

    public Future<SignedToken> sign(JsonObject request) {
        JsonObject claims;
        try {
            claims = bounds.check(request, ring.now());
        } catch (ApiError e) {
            metrics.rejected();
            return Future.failedFuture(e);
        }
        if (onEventLoop) {
            try {
                return Future.succeededFuture(signNow(claims));
            } catch (RuntimeException e) {
                return Future.failedFuture(e);
            }
        }
        // Unordered, so concurrent requests use every worker thread at once.
        return vertx.executeBlocking(() -> signNow(claims), false);
    }

    /** Picks the key at the moment of signing, so a refresh that just dropped a revoked key applies at once. */
    private SignedToken signNow(JsonObject claims) {
        Instant now = ring.now();
        SigningKey key = ring.signingKeyAt(now).orElse(null);
        if (key == null) {
            metrics.unavailable();
            throw ApiError.unavailable("no signing key is available; retry shortly");
        }
        long started = System.nanoTime();
        SignedToken token = new SignedToken(signer.sign(key, claims), key.kid());
        metrics.signingTook(System.nanoTime() - started);
        metrics.signed();
        return token;
    }
}
