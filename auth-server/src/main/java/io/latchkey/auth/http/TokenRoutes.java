package io.latchkey.auth.http;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.grant.TokenEndpoint;
import io.latchkey.auth.introspect.Introspection;
import io.latchkey.common.http.GetAndHead;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The OAuth surface: metadata, {@code /oauth2/token}, {@code /oauth2/introspect}, and a fast 404 for OpenID
 * discovery until OpenID Connect exists. Handlers are thin; the work is in {@link TokenEndpoint} and {@link
 * Introspection}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3</a>
 */
public final class TokenRoutes {
    private final JsonObject metadata;
    private final TokenEndpoint token;
    private final ClientAuthenticator authenticator;
    private final Introspection introspection;

    public TokenRoutes(
            JsonObject metadata, TokenEndpoint token, ClientAuthenticator authenticator, Introspection introspection) {
        this.metadata = metadata;
        this.token = token;
        this.authenticator = authenticator;
        this.introspection = introspection;
    }

    public void mount(Vertx vertx, Router router) {
        String document = metadata.encode();
        GetAndHead.route(router, "/.well-known/oauth-authorization-server").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(document));
        GetAndHead.route(router, "/.well-known/openid-configuration").handler(ctx -> ctx.response()
                .setStatusCode(404)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", "not_found").encode()));
        router.post("/oauth2/token")
                .handler(NoStore::apply)
                .handler(FormBody::read)
                .handler(ctx -> respond(ctx, token.handle(ctx)));
        router.post("/oauth2/introspect")
                .handler(NoStore::apply)
                .handler(FormBody::read)
                .handler(ctx -> respond(ctx, introspect(ctx)));
    }

    private Future<JsonObject> introspect(RoutingContext ctx) {
        FormBody form = FormBody.of(ctx);
        return authenticator
                .authenticateConfidential(ctx.request().getHeader("Authorization"), form)
                .compose(client -> introspection.introspect(client, form.required("token")));
    }

    static void respond(RoutingContext ctx, Future<JsonObject> result) {
        result.onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else {
                ctx.response()
                        .putHeader("Content-Type", "application/json;charset=UTF-8")
                        .end(ar.result().encode());
            }
        });
    }
}
