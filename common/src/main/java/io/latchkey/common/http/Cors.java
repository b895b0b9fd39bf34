package io.latchkey.common.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * The CORS protocol's request side, and the answer for public documents any web page may read (authorization
 * server metadata, the JWKS): {@code Access-Control-Allow-Origin: *} on every GET and HEAD response, 304 included,
 * and preflights answered. No route sends {@code Access-Control-Allow-Credentials}: a page's cookies never ride
 * along. Routes that are not mounted here or in a service's own CORS class send no CORS header.
 *
 * @see <a href="https://fetch.spec.whatwg.org/#http-cors-protocol">Fetch: the CORS protocol</a>
 */
public final class Cors {
    public static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    public static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    public static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    public static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    public static final String MAX_AGE = "Access-Control-Max-Age";
    /** How long a browser may reuse a preflight's answer (seconds); browsers cap it at 2 h or less anyway. */
    public static final String MAX_AGE_SECONDS = "600";

    private Cors() {}

    /** {@code *} for GET and HEAD on {@code path}, and its preflights; mount it before the path's own route. */
    public static void allowAnyOrigin(Router router, String path) {
        router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD).handler(ctx -> {
            ctx.response().putHeader(ALLOW_ORIGIN, "*");
            ctx.next();
        });
        router.options(path).handler(Cors::anyOriginPreflight);
    }

    private static void anyOriginPreflight(RoutingContext ctx) {
        if (!isPreflight(ctx.request())) {
            answerOptions(ctx, "GET, HEAD, OPTIONS");
            return;
        }
        ctx.response()
                .setStatusCode(204)
                .putHeader(ALLOW_ORIGIN, "*")
                .putHeader(ALLOW_METHODS, "GET, HEAD")
                .putHeader(MAX_AGE, MAX_AGE_SECONDS)
                .end();
    }

    /**
     * An OPTIONS request that asks whether a cross-origin request may be sent: it names its origin and the method
     * it means to use. Any other OPTIONS request is a plain one, answered with {@code Allow}.
     */
    public static boolean isPreflight(HttpServerRequest request) {
        return request.method() == HttpMethod.OPTIONS
                && request.headers().contains("Origin")
                && request.headers().contains("Access-Control-Request-Method");
    }

    /**
     * The request's {@code Origin}, or null when it has none or several (a browser sends exactly one; several
     * cannot be told apart, so none of them counts). The value is the caller's, unchecked.
     */
    public static String origin(HttpServerRequest request) {
        List<String> values = request.headers().getAll("Origin");
        return values.size() == 1 ? values.get(0) : null;
    }

    /** 204 with the methods {@code path} answers, for an OPTIONS request that is not a preflight. */
    public static void answerOptions(RoutingContext ctx, String allow) {
        ctx.response().setStatusCode(204).putHeader("Allow", allow).end();
    }
}
