package io.latchkey.keys.http;

import io.latchkey.common.health.Dependencies;
import io.latchkey.common.health.Dependency;
import io.latchkey.db.DatabaseUnavailable;
import io.latchkey.keys.api.ApiError;
import io.vertx.core.http.HttpClosedException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler: an {@link ApiError} as its JSON body, a 4xx raised by Vert.x itself as
 * {@code invalid_request}, a database outage ({@link DatabaseUnavailable}) as 503 {@code temporarily_unavailable}
 * with {@code Retry-After}, anything else as a generic {@code server_error}. A failure answered 5xx is unexpected:
 * it is logged once, here, at ERROR with its cause; a database outage is not unexpected, and is counted against the
 * {@code database} {@link Dependency} (which logs its changes of state) instead of logged per request. A 4xx is the
 * caller's doing and a client that hung up is answered nothing: neither is an error of this service.
 */
public final class ErrorRenderer {
    /** The name of key-service's database dependency. */
    public static final String DATABASE = "database";

    private static final String DEPENDENCIES = "latchkey.dependencies";
    private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

    private ErrorRenderer() {}

    /** Makes {@code dependencies} known to every request of {@code router}, so outages count against them. */
    public static void attach(Router router, Dependencies dependencies) {
        router.route().handler(ctx -> {
            ctx.put(DEPENDENCIES, dependencies);
            ctx.next();
        });
    }

    public static void render(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        Throwable failure = ctx.failure();
        if (failure instanceof HttpClosedException || ctx.response().closed()) {
            LOG.info("request to {} ended early: the client closed the connection", ctx.normalizedPath());
            return;
        }
        boolean outage = !(failure instanceof ApiError) && DatabaseUnavailable.is(failure);
        ApiError error = failure instanceof ApiError api
                ? api
                : outage ? ApiError.unavailable("the database is unavailable; try again later") : fromStatus(ctx);
        if (outage) {
            Dependencies dependencies = ctx.get(DEPENDENCIES);
            if (dependencies != null) {
                dependencies
                        .find(DATABASE)
                        .ifPresent(d -> d.requestFailed(failure.getClass().getSimpleName()));
            }
            ctx.response().putHeader("Retry-After", Long.toString(DatabaseUnavailable.RETRY_AFTER_SECONDS));
        } else if (error.status() == 503) {
            ctx.response().putHeader("Retry-After", "1");
        } else if (error.status() >= 500) {
            LOG.error("request to {} failed with {}", ctx.normalizedPath(), error.status(), failure);
        }
        if (error.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
        }
        ctx.response()
                .setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(error.toJson().encode());
    }

    /** A 4xx Vert.x failed the request with (such as a body over the limit), else a server error. */
    private static ApiError fromStatus(RoutingContext ctx) {
        int status;
        if (ctx.failure() instanceof HttpException http) {
            status = http.getStatusCode();
        } else if (ctx.failure() == null) {
            status = ctx.statusCode();
        } else {
            return ApiError.serverError();
        }
        if (status == 413) {
            return ApiError.bodyTooLarge();
        }
        return status >= 400 && status < 500 ? ApiError.malformed(status) : ApiError.serverError();
    }
}
