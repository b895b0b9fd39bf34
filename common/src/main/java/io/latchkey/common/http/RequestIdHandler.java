package io.latchkey.common.http;

import io.latchkey.common.logging.RequestIds;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * Gives every request an id: the caller's {@code X-Request-Id} when it is 1 to 64 characters of
 * {@code [A-Za-z0-9._-]} (anything else could forge or break log lines), else 128 random bits in hex. The id is
 * echoed in the response's {@code X-Request-Id}, kept in {@code RoutingContext} data under {@link #DATA_KEY}, and
 * attached to every log line written while the request is handled (see {@link
 * io.latchkey.common.logging.RequestIdTurboFilter}).
 */
public final class RequestIdHandler implements Handler<RoutingContext> {
    public static final String HEADER = "X-Request-Id";
    public static final String DATA_KEY = "requestId";

    private static final Pattern ACCEPTED = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private RequestIdHandler() {}

    public static RequestIdHandler create() {
        return new RequestIdHandler();
    }

    /** Mounts the handler ahead of every other route of {@code router}. */
    public static void mount(Router router) {
        router.route().order(Integer.MIN_VALUE).handler(create());
    }

    /** The caller's id when acceptable, else a fresh one. */
    public static String accept(String offered) {
        return offered != null && ACCEPTED.matcher(offered).matches() ? offered : generate();
    }

    static String generate() {
        // An id correlates log lines; it guards nothing, so a fast non-blocking generator is the right one.
        ThreadLocalRandom random = ThreadLocalRandom.current();
        HexFormat hex = HexFormat.of();
        return hex.toHexDigits(random.nextLong()) + hex.toHexDigits(random.nextLong());
    }

    @Override
    public void handle(RoutingContext ctx) {
        String id = accept(ctx.request().getHeader(HEADER));
        ctx.put(DATA_KEY, id);
        ctx.response().putHeader(HEADER, id);
        var context = Vertx.currentContext();
        if (context != null) {
            RequestIds.set(context, id);
        }
        ctx.next();
    }
}
