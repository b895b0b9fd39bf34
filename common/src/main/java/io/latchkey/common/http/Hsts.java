package io.latchkey.common.http;

import io.latchkey.common.tls.ServerTls;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code Strict-Transport-Security: max-age=31536000} on every response of a TLS listener, so browsers never fall
 * back to plain HTTP for a year. Sent only over TLS: RFC 6797 §7.2 tells browsers to ignore it over plain HTTP.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6797#section-6.1">RFC 6797 §6.1</a>
 */
public final class Hsts implements Handler<RoutingContext> {
    public static final String HEADER = "Strict-Transport-Security";
    public static final String VALUE = "max-age=31536000";

    private Hsts() {}

    /** Adds the header to every response of {@code router} when {@code tls} is on; mount it before other routes. */
    public static void mount(Router router, ServerTls tls) {
        if (tls.enabled()) {
            router.route().order(Integer.MIN_VALUE).handler(new Hsts());
        }
    }

    @Override
    public void handle(RoutingContext ctx) {
        ctx.response().putHeader(HEADER, VALUE);
        ctx.next();
    }
}
