package io.latchkey.auth.http;

import io.vertx.ext.web.RoutingContext;

/**
 * Marks a response that carries tokens, secrets or token data as not cacheable.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.1">RFC 6749 §5.1</a>
 */
public final class NoStore {
    private NoStore() {}

    public static void apply(RoutingContext ctx) {
        ctx.response().putHeader("Cache-Control", "no-store").putHeader("Pragma", "no-cache");
        ctx.next();
    }
}
