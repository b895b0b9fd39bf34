package io.latchkey.common.concurrent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.internal.ContextInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Batches form only behind outstanding ones, answer each caller on its own context, and fail item by item. */
class EventLoopBatcherTest {
    private Vertx vertx;
    private final List<List<String>> sent = new CopyOnWriteArrayList<>();
    private final List<Promise<List<AsyncResult<String>>>> outstanding = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
    }

    @AfterEach
    void stop() throws Exception {
        Await.result(vertx.close());
    }

    /** A batch function the test answers by hand: every batch waits in {@link #outstanding}. */
    private EventLoopBatcher<String, String> batcher(int maxInFlight, int maxBatch) {
        return new EventLoopBatcher<>(
                items -> {
                    sent.add(List.copyOf(items));
                    Promise<List<AsyncResult<String>>> promise = Promise.promise();
                    outstanding.add(promise);
                    return promise.future();
                },
                maxInFlight,
                maxBatch);
    }

    private static List<AsyncResult<String>> echo(List<String> items) {
        List<AsyncResult<String>> results = new ArrayList<>();
        items.forEach(item -> results.add(Future.succeededFuture(item.toUpperCase())));
        return results;
    }

    private <T> T on(Context context, Supplier<T> action) throws Exception {
        CompletableFuture<T> result = new CompletableFuture<>();
        context.runOnContext(v -> result.complete(action.get()));
        return result.get();
    }

    private void answer(int batch, List<AsyncResult<String>> results, Context context) throws Exception {
        on(context, () -> outstanding.get(batch).tryComplete(results));
    }

    @Test
    void submitWhenBatchesAreOutThenLaterCallsWaitAndLeaveTogether() throws Exception {
        EventLoopBatcher<String, String> batcher = batcher(1, 3);
        Context context = vertx.getOrCreateContext();
        List<Future<String>> calls = on(context, () -> {
            List<Future<String>> futures = new ArrayList<>();
            for (String item : List.of("a", "b", "c", "d", "e")) {
                futures.add(batcher.submit(item));
            }
            return futures;
        });
        assertEquals(List.of(List.of("a")), sent, "the first call leaves at once, alone");

        answer(0, echo(sent.get(0)), context);
        Await.until("the waiting calls leave", Duration.ofSeconds(5), () -> sent.size() == 2);
        assertEquals(List.of("b", "c", "d"), sent.get(1), "up to maxBatch of the waiting calls, in order");
        answer(1, echo(sent.get(1)), context);
        Await.until("the last call leaves", Duration.ofSeconds(5), () -> sent.size() == 3);
        assertEquals(List.of("e"), sent.get(2));
        answer(2, echo(sent.get(2)), context);

        List<String> answers = new ArrayList<>();
        for (Future<String> call : calls) {
            answers.add(Await.result(call));
        }
        assertEquals(List.of("A", "B", "C", "D", "E"), answers);
    }

    @Test
    void submitWhenCallsComeFromRequestContextsThenEachAnswerRunsOnItsOwnContext() throws Exception {
        EventLoopBatcher<String, String> batcher = batcher(1, 10);
        ContextInternal loop = (ContextInternal) vertx.getOrCreateContext();
        List<ContextInternal> requests = List.of(loop.duplicate(), loop.duplicate(), loop.duplicate());
        List<CompletableFuture<Context>> answeredOn = new ArrayList<>();
        for (ContextInternal request : requests) {
            CompletableFuture<Context> where = new CompletableFuture<>();
            answeredOn.add(where);
            on(request, () -> batcher.submit("x").onComplete(ar -> where.complete(Vertx.currentContext())));
        }
        answer(0, echo(sent.get(0)), loop);
        Await.until("the other two leave together", Duration.ofSeconds(5), () -> sent.size() == 2);
        assertEquals(List.of("x", "x"), sent.get(1));
        // Answered on the second request's context: it completes at once, the third by a hop to its own.
        answer(1, echo(sent.get(1)), requests.get(1));
        for (int i = 0; i < requests.size(); i++) {
            assertSame(requests.get(i), answeredOn.get(i).get());
        }
    }

    @Test
    void submitWhenOneItemFailsOrTheBatchFailsThenOnlyThoseCallsFail() throws Exception {
        EventLoopBatcher<String, String> batcher = batcher(1, 10);
        Context context = vertx.getOrCreateContext();
        List<Future<String>> calls =
                on(context, () -> List.of(batcher.submit("a"), batcher.submit("b"), batcher.submit("c")));
        answer(0, List.of(Future.failedFuture(new IllegalStateException("whole batch"))), context);
        // One result for a batch of one is right; the batch of two that follows gets a bad item and a good one.
        Await.until("the rest leave", Duration.ofSeconds(5), () -> sent.size() == 2);
        answer(
                1,
                List.of(Future.failedFuture(new IllegalArgumentException("b")), Future.succeededFuture("C")),
                context);

        assertInstanceOf(IllegalStateException.class, Await.failure(calls.get(0)));
        assertInstanceOf(IllegalArgumentException.class, Await.failure(calls.get(1)));
        assertEquals("C", Await.result(calls.get(2)));
    }

    @Test
    void submitWhenBatchAnswersTheWrongNumberOfResultsThenEveryCallInItFails() throws Exception {
        EventLoopBatcher<String, String> batcher = batcher(1, 10);
        Context context = vertx.getOrCreateContext();
        List<Future<String>> calls = on(context, () -> List.of(batcher.submit("a"), batcher.submit("b")));
        answer(0, echo(sent.get(0)), context);
        Await.until("b leaves", Duration.ofSeconds(5), () -> sent.size() == 2);
        answer(1, List.of(), context);
        assertEquals("A", Await.result(calls.get(0)));
        assertTrue(Await.failure(calls.get(1)).getMessage().contains("a batch of 1 answered 0 results"));
    }

    @Test
    void submitWhenBatchFunctionThrowsThenCallFailsAndLaterCallsStillLeave() throws Exception {
        List<List<String>> batches = new CopyOnWriteArrayList<>();
        EventLoopBatcher<String, String> batcher = new EventLoopBatcher<>(
                items -> {
                    batches.add(List.copyOf(items));
                    if (items.contains("boom")) {
                        throw new IllegalStateException("boom");
                    }
                    return Future.succeededFuture(echo(items));
                },
                1,
                10);
        Context context = vertx.getOrCreateContext();
        Future<String> boom = on(context, () -> batcher.submit("boom"));
        Future<String> fine = on(context, () -> batcher.submit("fine"));
        assertEquals("boom", Await.failure(boom).getMessage());
        assertEquals("FINE", Await.result(fine));
    }

    @Test
    void submitWhenNotOnAnEventLoopThenSentAloneAtOnce() throws Exception {
        EventLoopBatcher<String, String> batcher = batcher(1, 10);
        Future<String> first = batcher.submit("a");
        Future<String> second = batcher.submit("b");
        assertEquals(List.of(List.of("a"), List.of("b")), sent, "no queue off the event loop");
        outstanding.get(1).complete(echo(List.of("b")));
        outstanding.get(0).complete(echo(List.of("a")));
        assertEquals("A", Await.result(first));
        assertEquals("B", Await.result(second));
    }
}
