package io.latchkey.common;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.internal.VertxInternal;

/**
 * Every process prefers Linux epoll over NIO: on the token path each request crosses loopback three times
 * (client, key-service, PostgreSQL), and epoll spends fewer syscalls and copies on each. Vert.x falls back to NIO
 * where epoll cannot load; {@code -Dlatchkey.transport=nio} forces NIO to compare the two.
 */
public final class NativeTransport {
    private NativeTransport() {}

    public static VertxOptions prefer(VertxOptions options) {
        return options.setPreferNativeTransport(!"nio".equals(System.getProperty("latchkey.transport")));
    }

    /** The transport in use, for the start log line. */
    public static String describe(Vertx vertx) {
        return ((VertxInternal) vertx).transport().getClass().getSimpleName();
    }
}
