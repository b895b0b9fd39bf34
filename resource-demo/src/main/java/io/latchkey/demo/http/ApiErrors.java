package io.latchkey.demo.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place the demo API renders errors: a request problem is a 4xx with an RFC 6749 §5.2-style body naming it;
 * anything unexpected is a bare {@code server_error} with no detail in the response, logged once at ERROR with its
 * stack trace. A client that hung up is expected: one line below ERROR, and nobody left to answer.
 */
public final class ApiErrors {
    private static final Logger LOG = LoggerFactory.getLogger(ApiErrors.class);

    private ApiErrors() {}

    public static void invalidRequest(RoutingContext ctx, String description) {
        render(ctx, 400, "invalid_request", description);
    }

    /** Failure handler for the router. */
    public static void render(RoutingContext ctx) {
        int status = ctx.statusCode();
        if (status == 413) {
            render(ctx, 413, "invalid_request", "the request body is too large");
        } else if (status >= 400 && status < 500) {
            render(ctx, status, "invalid_request", "the request is not acceptable");
        } else if (ctx.response().closed()) {
            LOG.info(
                    "Client closed the connection during {} {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.failure());
        } else {
            LOG.error(
                    "Unexpected failure on {} {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.failure());
            render(ctx, 500, "server_error", "the server could not complete the request");
        }
    }

    private static void render(RoutingContext ctx, int status, String error, String description) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject()
                        .put("error", error)
                        .put("error_description", description)
                        .encode());
    }
}
