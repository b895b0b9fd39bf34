package io.latchkey.verifier.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Renders the error responses of a protected resource: the {@code WWW-Authenticate} challenge with its {@code error},
 * and the same code as a JSON body. The challenge uses the scheme the request used: {@code Bearer} (RFC 6750 §3) or
 * {@code DPoP} with the accepted proof algorithms in {@code algs} (RFC 9449 §7.1). A request without a token gets a
 * bare challenge of each scheme, as RFC 6750 §3.1 and RFC 9449 §7.2 ask; an unavailable verifier gets 503 with
 * {@code Retry-After}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3">RFC 6750 §3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-7.1">RFC 9449 §7.1</a>
 */
public final class BearerErrors {
    /** The {@link RoutingContext} key holding the DPoP {@code algs} when a request used the DPoP scheme. */
    static final String DPOP_ALGS = "latchkey.dpopAlgs";

    private BearerErrors() {}

    public static void missingToken(RoutingContext ctx, String realm) {
        ctx.response()
                .setStatusCode(401)
                .putHeader("WWW-Authenticate", "Bearer realm=\"" + realm + "\"")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    /** No credentials: a {@code Bearer} and a {@code DPoP} challenge, either scheme will do. */
    static void missingToken(RoutingContext ctx, String realm, String dpopAlgs) {
        ctx.response()
                .setStatusCode(401)
                .putHeader("WWW-Authenticate", (Iterable<String>) List.of(
                        "Bearer realm=\"" + realm + "\"", "DPoP realm=\"" + realm + "\", algs=\"" + dpopAlgs + "\""))
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                .end();
    }

    public static void invalidRequest(RoutingContext ctx, String realm, String description) {
        render(ctx, 400, realm, "invalid_request", description, null);
    }

    public static void invalidToken(RoutingContext ctx, String realm, String description) {
        render(ctx, 401, realm, "invalid_token", description, null);
    }

    /** RFC 9449 §7.1: the DPoP proof failed a check. */
    static void invalidDpopProof(RoutingContext ctx, String realm, String description) {
        render(ctx, 401, realm, "invalid_dpop_proof", description, null);
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
        String dpopAlgs = ctx.get(DPOP_ALGS);
        StringBuilder challenge = new StringBuilder(dpopAlgs != null ? "DPoP" : "Bearer")
                .append(" realm=\"")
                .append(realm)
                .append("\", error=\"")
                .append(error)
                .append("\", error_description=\"")
                .append(description)
                .append('"');
        if (scope != null) {
            challenge.append(", scope=\"").append(scope).append('"');
        }
        if (dpopAlgs != null) {
            challenge.append(", algs=\"").append(dpopAlgs).append('"');
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
