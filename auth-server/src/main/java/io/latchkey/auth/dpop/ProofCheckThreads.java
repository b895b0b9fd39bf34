package io.latchkey.auth.dpop;

import io.latchkey.common.crypto.NativeCrypto;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.concurrent.Callable;

/**
 * Where a DPoP proof's signature is checked: on the calling event loop when the native provider verifies it in
 * well under a millisecond (about 0.2 ms for ES256), else on a worker thread, since the JDK's ECDSA verify takes
 * milliseconds and would stall every other request of the loop.
 */
public final class ProofCheckThreads {
    private final Vertx vertx;
    private final boolean onEventLoop;

    private ProofCheckThreads(Vertx vertx, boolean onEventLoop) {
        this.vertx = vertx;
        this.onEventLoop = onEventLoop;
    }

    /** Decided once from the process's providers ({@link NativeCrypto#fastEcdsa()}). */
    public static ProofCheckThreads of(Vertx vertx) {
        return new ProofCheckThreads(vertx, NativeCrypto.fastEcdsa());
    }

    public boolean onEventLoop() {
        return onEventLoop;
    }

    /** The check's result, or its exception as the failure. */
    <T> Future<T> run(Callable<T> check) {
        if (!onEventLoop) {
            return vertx.executeBlocking(check, false);
        }
        try {
            return Future.succeededFuture(check.call());
        } catch (Exception e) {
            return Future.failedFuture(e);
        }
    }
}
