package io.latchkey.common.http;

import io.netty.channel.Channel;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.impl.ConnectionBase;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds what one client can hold on a listener: at most {@link ListenerSettings#maxConnections()} connections (one
 * more is closed as it arrives), each request fully received within {@link ListenerSettings#requestTimeout()} (408,
 * then close: see {@link RequestDeadline}), and {@code HTTP/x.y} other than 1.0 and 1.1 answered 505. One guard per
 * logical listener: the listeners of one port on several event loops share it, and so its count.
 */
public final class ConnectionGuard {
    private static final Logger LOG = LoggerFactory.getLogger(ConnectionGuard.class);
    private static final long REFUSAL_LOG_INTERVAL_NANOS = 10_000_000_000L;

    private final ListenerSettings settings;
    private final String listener;
    private final AtomicInteger open = new AtomicInteger();
    private final AtomicInteger refusedSinceLog = new AtomicInteger();
    private volatile long lastRefusalLog;

    public ConnectionGuard(ListenerSettings settings, String listener) {
        this.settings = settings;
        this.listener = listener;
    }

    /** Guards every connection {@code server} accepts; returns {@code server}. */
    public HttpServer install(HttpServer server) {
        return server.connectionHandler(this::accept);
    }

    /** Connections open now on the listeners this guard watches. */
    public int open() {
        return open.get();
    }

    private void accept(HttpConnection connection) {
        if (!(connection instanceof ConnectionBase base)) {
            return; // not an HTTP/1 connection over Netty: nothing here to guard
        }
        Channel channel = base.channel();
        if (open.incrementAndGet() > settings.maxConnections()) {
            open.decrementAndGet();
            refused();
            channel.close();
            return;
        }
        channel.closeFuture().addListener(closed -> open.decrementAndGet());
        RequestDeadline.install(channel, settings.requestTimeout());
    }

    /** One WARN per ten seconds with the count, not one per refused connection: a flood must not flood the log. */
    private void refused() {
        refusedSinceLog.incrementAndGet();
        long now = System.nanoTime();
        if (now - lastRefusalLog >= REFUSAL_LOG_INTERVAL_NANOS) {
            lastRefusalLog = now;
            LOG.warn(
                    "{} listener at its limit of {} connections ({}): closed {} new connection(s)",
                    listener,
                    settings.maxConnections(),
                    ListenerSettings.MAX_CONNECTIONS,
                    refusedSinceLog.getAndSet(0));
        }
    }
}
