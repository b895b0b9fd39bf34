package io.latchkey.keys.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The one failure handler: an {@link ApiError} as its JSON body, anything else as a generic server_error. */
public final class ErrorRenderer {
    private static final Logger LOG = LoggerFactory.getLogger(ErrorRenderer.class);

    private ErrorRenderer() {}

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
        } else if (failure == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            // Failures raised by Vert.x handlers themselves, such as a body over the limit (413).
            status = ctx.statusCode();
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
