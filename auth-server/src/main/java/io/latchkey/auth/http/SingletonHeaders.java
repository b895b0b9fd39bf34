package io.latchkey.auth.http;

import io.latchkey.auth.oauth.OAuthError;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * Refuses a request that repeats a header it may carry once: with two {@code Authorization} headers a server that
 * reads the first and a proxy that checked the second disagree about who is calling. RFC 9110 §5.3 allows a
 * repeated field only where its value is a list, which these are not; RFC 6749 §3.2 and §5.2 make the answer
 * {@code invalid_request}.
 */
final class SingletonHeaders {
    private static final List<String> NAMES = List.of("Authorization", "Content-Type");

    private SingletonHeaders() {}

    static void mount(Router router) {
        router.route().handler(SingletonHeaders::check);
    }

    private static void check(RoutingContext ctx) {
        for (String name : NAMES) {
            if (ctx.request().headers().getAll(name).size() > 1) {
                ctx.fail(OAuthError.invalidRequest(name + " must appear at most once"));
                return;
            }
        }
        ctx.next();
    }
}
