package io.latchkey.auth.admin;

import io.latchkey.auth.http.FormBody;
import io.latchkey.auth.http.NoStore;
import io.latchkey.auth.http.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.function.Function;

/** The admin API routes; the rules live in {@link AdminService} and {@link NewClient}. */
public final class AdminRoutes {
    private final AdminAuthorization authorization;
    private final AdminService admin;

    public AdminRoutes(AdminAuthorization authorization, AdminService admin) {
        this.authorization = authorization;
        this.admin = admin;
    }

    public void mount(Router router) {
        router.route("/admin/*")
                // The body is read first: the authorization below is asynchronous and must not lose it.
                .handler(BodyHandler.create(false).setBodyLimit(FormBody.LIMIT))
                .handler(NoStore::apply)
                .handler(authorization::handle);
        router.post("/admin/users")
                .handler(ctx -> created(ctx, json(ctx).compose(b -> admin.createUser(actor(ctx), b))));
        router.post("/admin/users/:id/disable")
                .handler(ctx -> noContent(ctx, admin.disableUser(actor(ctx), ctx.pathParam("id"))));
        router.post("/admin/users/:id/password")
                .handler(ctx -> noContent(
                        ctx, json(ctx).compose(b -> admin.changePassword(actor(ctx), ctx.pathParam("id"), b))));
        router.post("/admin/clients")
                .handler(ctx -> created(ctx, json(ctx).compose(b -> admin.createClient(actor(ctx), b))));
        router.post("/admin/clients/:id/disable")
                .handler(ctx -> noContent(ctx, admin.disableClient(actor(ctx), ctx.pathParam("id"))));
        router.post("/admin/clients/:id/secret")
                .handler(ctx ->
                        reply(ctx, 200, admin.rotateSecret(actor(ctx), ctx.pathParam("id")), Function.identity()));
    }

    private static String actor(RoutingContext ctx) {
        return ctx.get(AdminAuthorization.ACTOR);
    }

    private static Future<JsonObject> json(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
            return Future.failedFuture(OAuthError.invalidRequest("The content type must be application/json"));
        }
        try {
            var buffer = ctx.body().buffer();
            if (buffer == null || buffer.length() == 0) {
                return Future.failedFuture(OAuthError.invalidRequest("The body must be a JSON object"));
            }
            Object parsed = io.vertx.core.json.Json.decodeValue(buffer);
            if (!(parsed instanceof JsonObject object)) {
                return Future.failedFuture(OAuthError.invalidRequest("The body must be a JSON object"));
            }
            return Future.succeededFuture(object);
        } catch (DecodeException | ClassCastException e) {
            return Future.failedFuture(OAuthError.invalidRequest("The body is not valid JSON"));
        }
    }

    private static void created(RoutingContext ctx, Future<JsonObject> result) {
        reply(ctx, 201, result, Function.identity());
    }

    private static void noContent(RoutingContext ctx, Future<Void> result) {
        result.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ctx.response().setStatusCode(204).end();
            }
        });
    }

    private static <T> void reply(RoutingContext ctx, int status, Future<T> result, Function<T, JsonObject> body) {
        result.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ctx.response()
                        .setStatusCode(status)
                        .putHeader("Content-Type", "application/json;charset=UTF-8")
                        .end(body.apply(ar.result()).encode());
            }
        });
    }
}
