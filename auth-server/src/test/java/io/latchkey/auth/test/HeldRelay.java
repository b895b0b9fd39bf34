package io.latchkey.auth.test;

import io.latchkey.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay in front of a real server that can hold what callers send: while held, bytes are kept back and
 * counted, so a test knows a request is in flight and decides when it may proceed (a slow network, not a fake).
 */
public final class HeldRelay {
    private final Vertx vertx;
    private final int targetPort;
    private final AtomicLong received = new AtomicLong();
    private final List<Runnable> waiting = new ArrayList<>();
    private volatile boolean held;
    private NetServer server;

    private HeldRelay(Vertx vertx, int targetPort) {
        this.vertx = vertx;
        this.targetPort = targetPort;
    }

    public static HeldRelay start(Vertx vertx, int targetPort) {
        HeldRelay relay = new HeldRelay(vertx, targetPort);
        relay.server = vertx.createNetServer().connectHandler(relay::relay);
        Await.result(relay.server.listen(0, "127.0.0.1"));
        return relay;
    }

    public int port() {
        return server.actualPort();
    }

    /** Bytes callers have sent so far, held or not. */
    public long received() {
        return received.get();
    }

    public void hold() {
        held = true;
    }

    /** Lets everything held through, and all that follows. */
    public void release() {
        vertx.runOnContext(v -> {
            held = false;
            waiting.forEach(Runnable::run);
            waiting.clear();
        });
    }

    private void relay(NetSocket caller) {
        caller.pause();
        vertx.createNetClient()
                .connect(targetPort, "127.0.0.1")
                .onSuccess(target -> {
                    target.handler(caller::write);
                    target.closeHandler(v -> caller.close());
                    caller.closeHandler(v -> target.close());
                    caller.handler(data -> forward(target, data));
                    caller.resume();
                })
                .onFailure(e -> caller.close());
    }

    private void forward(NetSocket target, Buffer data) {
        received.addAndGet(data.length());
        if (held) {
            waiting.add(() -> target.write(data));
        } else {
            target.write(data);
        }
    }

    public Future<Void> close() {
        return server.close();
    }
}
