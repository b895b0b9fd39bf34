package io.latchkey.common.http;

import io.latchkey.common.health.Dependencies;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * {@code GET /health/live} (the process answers) and {@code GET /health/ready} (the process can serve, as its
 * {@code readiness} check decides). Readiness that does not answer within two seconds counts as not ready. The
 * ready body names each dependency and its state ({@code {"status":"UP","dependencies":{"database":"up"}}}): a
 * service may stay ready while a dependency is down (auth-server keeps serving the revocation feed while
 * key-service is down), and the body says so.
 */
public final class HealthRoutes {
    private static final long READY_TIMEOUT_MS = 2_000;

    private HealthRoutes() {}

    /** Mounts both routes; {@code readiness} succeeds when the process can serve. */
    public static void mount(Vertx vertx, Router router, Supplier<Future<?>> readiness) {
        mount(vertx, router, readiness, Dependencies.none());
    }

    /** Mounts both routes; the ready body lists {@code dependencies} and their states. */
    public static void mount(Vertx vertx, Router router, Supplier<Future<?>> readiness, Dependencies dependencies) {
        GetAndHead.route(router, "/health/live").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject().put("status", "UP").encode()));
        GetAndHead.route(router, "/health/ready").handler(ctx -> {
            Future<?> check;
            try {
                check = readiness.get();
            } catch (RuntimeException e) {
                check = Future.failedFuture(e);
            }
            // The dependencies are probed with the check, so the body tells their state now, not at the last probe.
            Future<?> ready = check;
            Future.join(ready, dependencies.checkAll())
                    .timeout(READY_TIMEOUT_MS, java.util.concurrent.TimeUnit.MILLISECONDS)
                    .transform(joined -> ready.isComplete() ? ready : Future.failedFuture(joined.cause()))
                    .onComplete(ar -> {
                        if (ctx.response().ended()) {
                            return;
                        }
                        ctx.response()
                                .setStatusCode(ar.succeeded() ? 200 : 503)
                                .putHeader("Content-Type", "application/json")
                                .putHeader("Cache-Control", "no-store")
                                .end(new JsonObject()
                                        .put("status", ar.succeeded() ? "UP" : "DOWN")
                                        .put("dependencies", dependencies.toJson())
                                        .encode());
                    });
        });
    }
}
