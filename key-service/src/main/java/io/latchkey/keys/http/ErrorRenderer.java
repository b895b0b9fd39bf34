package io.latchkey.keys.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one failure handler: an {@link ApiError} as its JSON body, anything else as a generic server_error. */
public final class ErrorRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

    private ErrorRenderer() {}

    /** The 4xx status Vert.x failed the request with, or 0. */
    private static int clientError(RoutingContext ctx) {
        int status;
        if (ctx.failure() instanceof HttpException http) {
            status = http.getStatusCode();
        } else if (ctx.failure() == null) {
            status = ctx.statusCode();
        } else {
            return 0;
        }
        return status >= 400 && status < 500 ? status : 0;
    }

    public static void render(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        Throwable failure = ctx.failure();
        int status;
        JsonObject body;
        if (failure instanceof ApiError error) {
            status = error.status();
            body = new JsonObject().put("error", error.error()).put("error_description", error.description());
            if (status == 401) {
                ctx.response().putHeader("WWW-Authenticate", "Bearer error=\"invalid_token\"");
            }
        } else if (clientError(ctx) > 0) {
            // Failures raised by Vert.x handlers themselves, such as a body over the limit (413).
            status = clientError(ctx);
            body = new JsonObject()
                    .put("error", "invalid_request")
                    .put("error_description", status == 413 ? "request body too large" : "malformed request");
        } else {
            status = 500;
            body = new JsonObject().put("error", "server_error").put("error_description", "internal error");
            LOG.error("request to {} failed", ctx.normalizedPath(), failure);
        }
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(body.encode());
    }
}
