package io.latchkey.common.http;

import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;

/**
 * Routes for documents that clients and caches may also ask with HEAD: the same status and headers as GET,
 * without content (Vert.x drops the body of a HEAD response).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-9.3.2">RFC 9110 §9.3.2</a>
 */
public final class GetAndHead {
    private GetAndHead() {}

    /** A route for {@code path} that matches GET and HEAD. */
    public static Route route(Router router, String path) {
        return router.route(path).method(HttpMethod.GET).method(HttpMethod.HEAD);
    }
}
