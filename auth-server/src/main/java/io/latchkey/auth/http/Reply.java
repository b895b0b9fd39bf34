package io.latchkey.auth.http;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Function;

/**
 * The one way a route answers: it turns the request into a future; a success becomes the response, and any
 * failure, whether thrown while parsing the request or carried by the future, goes to the router's failure
 * handler ({@link OAuthErrors}). Headers set before (such as {@link NoStore}'s) stay.
 */
final class Reply {
    static final String JSON = "application/json;charset=UTF-8";

    private Reply() {}

    /** {@code status} with the JSON body, as {@code application/json;charset=UTF-8}. */
    static Handler<RoutingContext> json(int status, Function<RoutingContext, Future<JsonObject>> work) {
        return json(status, JSON, work);
    }

    static Handler<RoutingContext> json(
            int status, String contentType, Function<RoutingContext, Future<JsonObject>> work) {
        return ctx -> answer(ctx, work, body -> ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", contentType)
                .end(body.encode()));
    }

    /** {@code status} with no body, once the work is done. */
    static <T> Handler<RoutingContext> empty(int status, Function<RoutingContext, Future<T>> work) {
        return ctx ->
                answer(ctx, work, done -> ctx.response().setStatusCode(status).end());
    }

    private static <T> void answer(RoutingContext ctx, Function<RoutingContext, Future<T>> work, Handler<T> write) {
        // compose turns an exception thrown by the work (a malformed parameter) into a failed future.
        Future.succeededFuture(ctx).compose(work).onSuccess(write).onFailure(ctx::fail);
    }
}
