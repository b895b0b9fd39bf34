package io.latchkey.common.concurrent;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Sends calls to a remote service in batches, but only when there is a queue. Each event loop keeps at most
 * {@code maxInFlight} batches outstanding; a call made while they are all out waits, and every call that waited
 * leaves together (up to {@code maxBatch}) when one comes back. An idle server therefore sends each call alone,
 * at once, and a busy one pays one round trip for many calls: on a machine where waking a peer costs as much as
 * the work, that is most of the saving. A call from outside an event loop is sent alone.
 *
 * <p>The batch function gets the items in order and answers one result per item, each its own success or
 * failure; a failed batch fails every item in it. Each caller's future completes on the caller's own context,
 * so request-scoped context data (the request id in logs) stays with its request.
 *
 * @param <I> what a call sends
 * @param <O> what a call gets back
 */
public final class EventLoopBatcher<I, O> {
    private final Function<List<I>, Future<List<AsyncResult<O>>>> batch;
    private final int maxInFlight;
    private final int maxBatch;

    public EventLoopBatcher(Function<List<I>, Future<List<AsyncResult<O>>>> batch, int maxInFlight, int maxBatch) {
        if (maxInFlight < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("maxInFlight and maxBatch must be at least 1");
        }
        this.batch = batch;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
    }

    public Future<O> submit(I item) {
        Context context = Vertx.currentContext();
        if (context == null || !context.isEventLoopContext()) {
            return run(List.of(item)).compose(results -> Future.<O>future(p -> p.handle(results.get(0))));
        }
        Queue queue = context.get(this);
        if (queue == null) {
            // Context data is shared by an event loop context and the request contexts duplicated from it.
            queue = new Queue(context);
            context.put(this, queue);
        }
        Promise<O> promise = Promise.promise();
        queue.add(new Pending<>(item, context, promise));
        return promise.future();
    }

    private Future<List<AsyncResult<O>>> run(List<I> items) {
        Future<List<AsyncResult<O>>> results;
        try {
            results = batch.apply(items);
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return results.compose(list -> list.size() == items.size()
                ? Future.succeededFuture(list)
                : Future.failedFuture(new IllegalStateException(
                        "a batch of " + items.size() + " answered " + list.size() + " results")));
    }

    private record Pending<I, O>(I item, Context context, Promise<O> promise) {
        void complete(AsyncResult<O> result) {
            if (Vertx.currentContext() == context) {
                promise.handle(result);
            } else {
                context.runOnContext(v -> promise.handle(result));
            }
        }
    }

    /** One event loop's waiting calls; touched only from that loop's thread. */
    private final class Queue {
        private final ArrayDeque<Pending<I, O>> waiting = new ArrayDeque<>();
        private final Context loop;
        private final Thread thread = Thread.currentThread();
        private int inFlight;

        Queue(Context loop) {
            this.loop = loop;
        }

        void add(Pending<I, O> pending) {
            waiting.add(pending);
            drain();
        }

        private void drain() {
            while (inFlight < maxInFlight && !waiting.isEmpty()) {
                List<Pending<I, O>> taken = new ArrayList<>(Math.min(waiting.size(), maxBatch));
                while (taken.size() < maxBatch && !waiting.isEmpty()) {
                    taken.add(waiting.poll());
                }
                List<I> items = new ArrayList<>(taken.size());
                taken.forEach(p -> items.add(p.item()));
                inFlight++;
                run(items).onComplete(ar -> {
                    if (Thread.currentThread() == thread) {
                        finish(taken, ar);
                    } else {
                        loop.runOnContext(v -> finish(taken, ar));
                    }
                });
            }
        }

        private void finish(List<Pending<I, O>> taken, AsyncResult<List<AsyncResult<O>>> ar) {
            inFlight--;
            for (int i = 0; i < taken.size(); i++) {
                taken.get(i).complete(ar.succeeded() ? ar.result().get(i) : Future.failedFuture(ar.cause()));
            }
            drain();
        }
    }
}
