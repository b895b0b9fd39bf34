package io.latchkey.keys.http;

import io.latchkey.common.http.Cors;
import io.latchkey.common.http.GetAndHead;
import io.latchkey.keys.jwks.JwksDocument;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;

/**
 * {@code GET} (and {@code HEAD}) {@code /.well-known/jwks.json}: the published keys as {@link JwksDocument} renders
 * them, {@code Cache-Control: public, max-age}, a strong {@code ETag}, and 304 for a matching
 * {@code If-None-Match}. Public keys are for anyone: any web page may read the document ({@code
 * Access-Control-Allow-Origin: *}, 304 included) and its preflights are answered.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9110#section-13.1.2">RFC 9110 §13.1.2</a>
 */
public final class JwksRoutes {
    public static final String PATH = "/.well-known/jwks.json";

    private final JwksDocument document;
    private final String cacheControl;

    public JwksRoutes(JwksDocument document, Duration maxAge) {
        this.document = document;
        this.cacheControl = "public, max-age=" + maxAge.toSeconds();
    }

    public void mount(Router router) {
        Cors.allowAnyOrigin(router, PATH);
        GetAndHead.route(router, PATH).respond(this::jwks).failureHandler(ErrorRenderer::render);
    }

    private Future<String> jwks(RoutingContext ctx) {
        JwksDocument.Rendered rendered = document.current();
        ctx.response().putHeader("Cache-Control", cacheControl).putHeader("ETag", rendered.etag());
        if (matches(ctx.request().getHeader("If-None-Match"), rendered.etag())) {
            return ctx.response().setStatusCode(304).end().mapEmpty();
        }
        ctx.response().putHeader("Content-Type", "application/json");
        return Future.succeededFuture(rendered.body());
    }

    private static boolean matches(String ifNoneMatch, String etag) {
        if (ifNoneMatch == null) {
            return false;
        }
        for (String candidate : ifNoneMatch.split(",")) {
            String tag = candidate.trim();
            if (tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals("*") || tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }
}
