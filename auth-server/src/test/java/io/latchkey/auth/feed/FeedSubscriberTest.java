package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.SseClient;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One stream's subscriber over real HTTP, its feed on one event loop and its connection on another, as in the
 * server. Writes from the feed's loop queue as messages on the connection's loop, and Vert.x reads more than 16
 * queued messages as a full write queue whatever their size: a stream must not take that for a slow client when
 * many small batches were broadcast while it caught up, or once live while its connection's loop was busy.
 */
@ExtendWith(VertxExtension.class)
class FeedSubscriberTest {
    private static final int BROADCASTS_WHILE_BUSY = 40;
    private static final long FAR = 4_000_000_000L;

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    @Test
    void streamWhenManyBatchesWereBroadcastWhileItCaughtUpThenItSendsThemAllAndIsNotDropped(Vertx vertx)
            throws Exception {
        PgRevocationRepository repository = new PgRevocationRepository(db.pool(vertx));
        long base = Await.result(repository.highestSeq());
        Stream stream = Stream.open(vertx);
        // Read before the connection's loop is made busy: the pool may run the read there.
        LiveListCursor cursor = Await.result(LiveListCursor.open(repository, base, FAR));
        on(stream.feedLoop(), () -> {
            for (int i = 1; i <= BROADCASTS_WHILE_BUSY; i++) {
                stream.subscriber().deliver(batch(base + i));
            }
            return null;
        });
        // The connection's loop is busy while the stream catches up and goes live, so nothing it queued drains.
        CountDownLatch busy = stream.busyConnectionLoop();
        on(stream.feedLoop(), () -> {
            stream.subscriber().join(new FeedSubscriber.CatchUp(cursor, Buffer.buffer()));
            return null;
        });
        stream.awaitLiveOrDropped();
        assertFalse(stream.dropped().get(), "a stream owing a few hundred bytes is not too slow");
        long last = base + BROADCASTS_WHILE_BUSY + 1;
        on(stream.feedLoop(), () -> {
            stream.subscriber().deliver(batch(last));
            return null;
        });
        busy.countDown();

        assertEquals(LongStream.rangeClosed(base + 1, last).boxed().toList(), stream.seenUpTo(last));
        stream.close();
    }

    @Test
    void liveStreamWhenManyBatchesAreBroadcastWhileItsConnectionsLoopIsBusyThenItSendsThemAllAndIsNotDropped(
            Vertx vertx) throws Exception {
        PgRevocationRepository repository = new PgRevocationRepository(db.pool(vertx));
        long base = Await.result(repository.highestSeq());
        Stream stream = Stream.open(vertx);
        LiveListCursor cursor = Await.result(LiveListCursor.open(repository, base, FAR));
        on(stream.feedLoop(), () -> {
            stream.subscriber().join(new FeedSubscriber.CatchUp(cursor, Buffer.buffer()));
            return null;
        });
        stream.awaitLiveOrDropped();
        // Each broadcast is a write of its own, queued on a loop that cannot take it yet: more than 16 such writes
        // read as a full queue, though they are a few hundred bytes in all.
        CountDownLatch busy = stream.busyConnectionLoop();
        boolean dropped = on(stream.feedLoop(), () -> {
            for (int i = 1; i <= BROADCASTS_WHILE_BUSY; i++) {
                stream.subscriber().deliver(batch(base + i));
            }
            return stream.dropped().get();
        });
        busy.countDown();

        assertFalse(dropped, "a connection whose loop is busy for a moment is not a slow client");
        long last = base + BROADCASTS_WHILE_BUSY;
        assertEquals(LongStream.rangeClosed(base + 1, last).boxed().toList(), stream.seenUpTo(last));
        assertTrue(on(stream.feedLoop(), () -> stream.subscriber().live()));
        stream.close();
    }

    /** A stream over real HTTP: its connection on one event loop, its subscriber confined to another. */
    private record Stream(
            HttpServer server,
            Future<SseClient> client,
            Context connectionLoop,
            Context feedLoop,
            FeedSubscriber subscriber,
            AtomicBoolean dropped) {

        static Stream open(Vertx vertx) throws Exception {
            Promise<HttpServerResponse> opened = Promise.promise();
            Promise<Context> connection = Promise.promise();
            HttpServer server = Await.result(vertx.createHttpServer()
                    .requestHandler(request -> {
                        connection.complete(Vertx.currentContext());
                        opened.complete(request.response());
                    })
                    .listen(0, "127.0.0.1"));
            Future<SseClient> client = SseClient.open(vertx.createHttpClient(), server.actualPort(), "unused", null);
            HttpServerResponse response = Await.result(opened.future());
            Context connectionLoop = Await.result(connection.future());
            Context feedLoop = otherLoopThan(vertx, connectionLoop);
            AtomicBoolean dropped = new AtomicBoolean();
            FeedSubscriber subscriber = on(
                    feedLoop,
                    () -> new FeedSubscriber(
                            response,
                            FeedSettings.defaults(),
                            () -> {},
                            () -> {},
                            () -> dropped.set(true),
                            work -> feedLoop.runOnContext(v -> work.run()),
                            feedLoop));
            return new Stream(server, client, connectionLoop, feedLoop, subscriber, dropped);
        }

        /** Blocks the connection's loop until the latch is counted down, so nothing queued there drains. */
        CountDownLatch busyConnectionLoop() {
            CountDownLatch busy = new CountDownLatch(1);
            connectionLoop.runOnContext(v -> {
                try {
                    busy.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            return busy;
        }

        void awaitLiveOrDropped() {
            Await.until(
                    "the stream is live or dropped",
                    Duration.ofSeconds(10),
                    () -> on(feedLoop, () -> subscriber.live() || dropped.get()));
        }

        /** The event ids the client has read once it has {@code last} or the stream ended. */
        List<Long> seenUpTo(long last) {
            return Await.result(Await.result(client).until(s -> s.lastId() >= last || s.ended()))
                    .ids();
        }

        void close() {
            Await.result(server.close());
        }
    }

    private static EventBatch batch(long seq) {
        return new EventBatch(List.of(new RevocationEntry(seq, "jti", "jti-" + seq, null, FAR)));
    }

    /** A context on another event loop than {@code taken}, as the feed's loop is to most connections. */
    private static Context otherLoopThan(Vertx vertx, Context taken) {
        Thread takenThread = on(taken, Thread::currentThread);
        for (int i = 0; i < 16; i++) {
            // Each deployment gets a context of its own, on the next event loop.
            Promise<Context> deployed = Promise.promise();
            Await.result(vertx.deployVerticle(new VerticleBase() {
                @Override
                public Future<?> start() {
                    deployed.complete(context);
                    return Future.succeededFuture();
                }
            }));
            Context candidate = Await.result(deployed.future());
            if (on(candidate, Thread::currentThread) != takenThread) {
                return candidate;
            }
        }
        throw new AssertionError("no second event loop");
    }

    private static <T> T on(Context context, Supplier<T> work) {
        Promise<T> done = Promise.promise();
        context.runOnContext(v -> done.complete(work.get()));
        return Await.result(done.future());
    }
}
