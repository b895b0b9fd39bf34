package io.latchkey.verifier.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/**
 * Renders the RFC 6750 error responses of a protected resource: the {@code WWW-Authenticate: Bearer} challenge with
 * its {@code error}, and the same code as a JSON body. A request without a token gets the bare challenge, as §3.1
 * asks; an unavailable verifier gets 503 with {@code Retry-After}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 */
public final class BearerErrors {
    private BearerErrors() {}

    public static void missingToken(RoutingContext ctx, String realm) {
        ctx.response()
                .setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    public static void invalidRequest(RoutingContext ctx, String realm, String description) {
        render(ctx, 400, realm, "invalid_request", description, null);
    }

    public static void invalidToken(RoutingContext ctx, String realm, String description) {
        render(ctx, 401, realm, "invalid_token", description, null);
    }

    public static void insufficientScope(RoutingContext ctx, String realm, String requiredScope) {
        render(ctx, 403, realm, "insufficient_scope", "the access token lacks scope " + requiredScope, requiredScope);
    }

    public static void unavailable(RoutingContext ctx) {
        ctx.response()
                .setStatusCode(503)
                .putHeader(HttpHeaders.RETRY_AFTER, "1")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject()
                        .put("error", "temporarily_unavailable")
                        .put("error_description", "token verification is temporarily unavailable")
                        .encode());
    }

    private static void render(
            RoutingContext ctx, int status, String realm, String error, String description, String scope) {
        StringBuilder challenge = new StringBuilder("Bearer realm=\"")
                .append(realm)
                .append("\", error=\"")
                .append(error)
                .append("\", error_description=\"")
                .append(description)
                .append('"');
        if (scope != null) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        HttpServerResponse response = ctx.response()
                .setStatusCode(status)
                .putHeader("WWW-Authenticate", challenge.toString())
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        response.end(new JsonObject()
                .put("error", error)
                .put("error_description", description)
                .encode());
    }
}
