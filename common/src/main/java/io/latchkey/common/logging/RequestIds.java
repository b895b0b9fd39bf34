package io.latchkey.common.logging;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxBootstrap;
import io.vertx.core.spi.VertxServiceProvider;
import io.vertx.core.spi.context.storage.ContextLocal;
import java.util.Optional;

/**
 * Where a request's id lives while it is handled: a Vert.x context local on the request's own (duplicated)
 * context, which follows the request through every future and callback, unlike a thread local on an event loop
 * that serves many requests at once. Registered as a {@link VertxServiceProvider} because context locals must
 * exist before the first Vert.x instance is built.
 */
public final class RequestIds implements VertxServiceProvider {
    static final ContextLocal<String> KEY = ContextLocal.registerLocal(String.class);

    /** The id of the request being handled on the calling thread, if any. */
    public static Optional<String> current() {
        Context context = Vertx.currentContext();
        return context == null ? Optional.empty() : Optional.ofNullable(context.getLocal(KEY));
    }

    public static void set(Context context, String requestId) {
        context.putLocal(KEY, requestId);
    }

    @Override
    public void init(VertxBootstrap builder) {
        // Nothing to add to Vert.x: loading this class registers the context local in time.
    }
}
