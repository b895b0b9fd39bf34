package io.latchkey.demo.web;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/** Keeps a request's work on its own event loop when it waits for a future another event loop started. */
final class Contexts {
    private Contexts() {}

    /**
     * {@code future}, completed on the caller's context: a refresh shared between requests completes on the context
     * of the request that started it, and the others must go on (and write their responses) on their own.
     */
    static <T> Future<T> onCallerContext(Future<T> future) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return future;
        }
        Promise<T> promise = Promise.promise();
        future.onComplete(result -> caller.runOnContext(v -> promise.handle(result)));
        return promise.future();
    }
}
