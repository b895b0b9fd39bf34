package io.latchkey.auth.http;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.CorsOrigins;
import io.latchkey.common.http.Cors;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * CORS for the endpoints a browser application calls as its own client ({@code /oauth2/token}, {@code
 * /oauth2/revoke}). A preflight is answered for an origin that some enabled client lists in {@code
 * allowed_cors_origins} ({@link CorsOrigins#listedByAnyClient}): 204 with {@code Access-Control-Allow-Origin}
 * naming that origin (never {@code *}), {@code POST}, the headers a token request sends, and {@code
 * Access-Control-Max-Age}; any other origin gets the same 204 without {@code Access-Control-Allow-*}, so the browser
 * sends nothing. The actual request's answer names the origin only when the client it authenticated as lists it
 * ({@link #allowIfListed}), error answers included, so a page can read its {@code invalid_grant}; a request that
 * fails before its client is known ({@code invalid_client}) stays unreadable. No credentials mode: cookies play
 * no part in these endpoints. A hostile {@code Origin} (several, {@code null}, over-long, control characters)
 * matches nothing and fails nothing.
 *
 * @see <a href="https://fetch.spec.whatwg.org/#http-cors-protocol">Fetch: the CORS protocol</a>
 */
public final class ClientCors {
    private static final String ALLOWED_HEADERS = "Authorization, Content-Type, DPoP";
    private static final String EXPOSED_HEADERS = "WWW-Authenticate, DPoP-Nonce, Retry-After";

    private final CorsOrigins origins;

    public ClientCors(CorsOrigins origins) {
        this.origins = origins;
    }

    /** Answers OPTIONS on {@code path}, a POST endpoint: preflights as above, a plain OPTIONS with {@code Allow}. */
    void mountPreflight(Router router, String path) {
        mountPreflight(router, path, "POST");
    }

    /** As {@link #mountPreflight(Router, String)} for an endpoint taking {@code methods} (comma-separated). */
    void mountPreflight(Router router, String path, String methods) {
        router.options(path).handler(ctx -> preflight(ctx, methods));
    }

    private void preflight(RoutingContext ctx, String methods) {
        if (!Cors.isPreflight(ctx.request())) {
            Cors.answerOptions(ctx, "OPTIONS, " + methods);
            return;
        }
        String origin = Cors.origin(ctx.request());
        // The answer depends on the origin, listed or not.
        HttpServerResponse response = ctx.response().setStatusCode(204).putHeader("Vary", "Origin");
        origins.listedByAnyClient(origin)
                .onSuccess(listed -> {
                    if (listed) {
                        response.putHeader(Cors.ALLOW_ORIGIN, origin)
                                .putHeader(Cors.ALLOW_METHODS, methods)
                                .putHeader(Cors.ALLOW_HEADERS, ALLOWED_HEADERS)
                                .putHeader(Cors.MAX_AGE, Cors.MAX_AGE_SECONDS);
                    }
                    response.end();
                })
                .onFailure(ctx::fail);
    }

    /**
     * Lets the page at the request's origin read this answer when {@code client}, the one the request authenticated
     * as, lists that origin. Call it as soon as the client is known, before the answer (or its error) is written.
     */
    static void allowIfListed(RoutingContext ctx, Client client) {
        String origin = Cors.origin(ctx.request());
        if (CorsOrigins.listedBy(client, origin)) {
            ctx.response()
                    .putHeader(Cors.ALLOW_ORIGIN, origin)
                    .putHeader("Vary", "Origin")
                    .putHeader(Cors.EXPOSE_HEADERS, EXPOSED_HEADERS);
        }
    }
}
