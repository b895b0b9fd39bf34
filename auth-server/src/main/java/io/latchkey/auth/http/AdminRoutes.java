package io.latchkey.auth.http;

import io.latchkey.auth.admin.AdminAuthorization;
import io.latchkey.auth.admin.AdminOperations;
import io.latchkey.auth.admin.AdminReads;
import io.latchkey.auth.admin.AdminService;
import io.latchkey.auth.admin.KeyAdministration;
import io.latchkey.auth.admin.LogoutJobReads;
import io.latchkey.auth.admin.PageRequest;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Optional;

/**
 * The admin API routes: every call authorized by {@link AdminAuthorization}, JSON bodies parsed here, the rules
 * in {@link AdminService}, {@code NewUser} and {@code NewClient}.
 */
public final class AdminRoutes {
    private static final String ACTOR = "latchkey.admin.actor";

    private final AdminAuthorization authorization;
    private final AdminService admin;
    private final AdminReads reads;
    private final KeyAdministration keys;
    private final LogoutJobReads logoutJobs;

    public AdminRoutes(AdminAuthorization authorization, AdminOperations operations) {
        this.authorization = authorization;
        this.admin = operations.changes();
        this.reads = operations.reads();
        this.keys = operations.keys();
        this.logoutJobs = operations.logoutJobs();
    }

    public void mount(Router router) {
        router.route("/admin/*")
                // The body is read first: the authorization below is asynchronous and must not lose it.
                .handler(BodyHandler.create(false).setBodyLimit(FormBodyReader.LIMIT))
                .handler(NoStore::apply)
                .handler(this::authorize);
        router.post("/admin/users").handler(Reply.json(201, ctx -> admin.createUser(actor(ctx), json(ctx))));
        router.post("/admin/users/:id/disable")
                .handler(Reply.empty(204, ctx -> admin.disableUser(actor(ctx), ctx.pathParam("id"))));
        router.post("/admin/users/:id/password")
                .handler(Reply.empty(204, ctx -> admin.changePassword(actor(ctx), ctx.pathParam("id"), json(ctx))));
        router.post("/admin/clients").handler(Reply.json(201, ctx -> admin.createClient(actor(ctx), json(ctx))));
        router.post("/admin/clients/:id/disable")
                .handler(Reply.empty(204, ctx -> admin.disableClient(actor(ctx), ctx.pathParam("id"))));
        router.post("/admin/clients/:id/secret")
                .handler(Reply.json(200, ctx -> admin.rotateSecret(actor(ctx), ctx.pathParam("id"))));

        router.get("/admin/users")
                .handler(Reply.json(
                        200,
                        ctx -> reads.users(
                                page(ctx),
                                Optional.ofNullable(PageRequest.single("username", ctx.queryParam("username"))))));
        router.get("/admin/users/:id").handler(Reply.json(200, ctx -> reads.user(ctx.pathParam("id"))));
        router.get("/admin/users/:id/sessions")
                .handler(Reply.json(200, ctx -> reads.sessions(ctx.pathParam("id"), page(ctx))));
        router.post("/admin/sessions/:sid/end")
                .handler(Reply.empty(204, ctx -> admin.endSession(actor(ctx), ctx.pathParam("sid"))));
        router.get("/admin/clients").handler(Reply.json(200, ctx -> reads.clients(page(ctx))));
        router.get("/admin/clients/:id").handler(Reply.json(200, ctx -> reads.client(ctx.pathParam("id"))));
        router.put("/admin/clients/:id")
                .handler(Reply.json(200, ctx -> admin.updateClient(actor(ctx), ctx.pathParam("id"), json(ctx))));
        router.get("/admin/logout-jobs").handler(Reply.json(200, ctx -> logoutJobs.unfinished()));
        router.get("/admin/logout-jobs/:id").handler(Reply.json(200, ctx -> logoutJobs.job(ctx.pathParam("id"))));
        router.get("/admin/keys").handler(Reply.json(200, ctx -> keys.list(page(ctx))));
        router.post("/admin/keys/rotate").handler(Reply.json(201, ctx -> keys.rotate(actor(ctx), optionalJson(ctx))));
        router.post("/admin/keys/:kid/revoke")
                .handler(Reply.json(200, ctx -> keys.revoke(actor(ctx), ctx.pathParam("kid"))));
        router.get("/admin/audit")
                .handler(Reply.json(
                        200,
                        ctx -> reads.audit(
                                ctx.queryParam("after"), ctx.queryParam("cursor"), ctx.queryParam("limit"))));
    }

    private static PageRequest page(RoutingContext ctx) {
        return PageRequest.of(ctx.queryParam("cursor"), ctx.queryParam("limit"));
    }

    /** An optional JSON object body: none when the request has no body at all. */
    private static Optional<JsonObject> optionalJson(RoutingContext ctx) {
        if (ctx.body().buffer() == null || ctx.body().length() == 0) {
            return Optional.empty();
        }
        return Optional.of(json(ctx));
    }

    private void authorize(RoutingContext ctx) {
        authorization
                .authorize(ctx.request().getHeader("Authorization"))
                .onSuccess(actor -> {
                    ctx.put(ACTOR, actor);
                    ctx.next();
                })
                .onFailure(ctx::fail);
    }

    private static String actor(RoutingContext ctx) {
        return ctx.get(ACTOR);
    }

    /** The request's JSON object body; throws {@code invalid_request} for anything else. */
    private static JsonObject json(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.split(";", 2)[0].trim().equalsIgnoreCase("application/json")) {
            throw OAuthError.invalidRequest("The content type must be application/json");
        }
        return StrictJson.object(ctx.body().buffer());
    }
}
