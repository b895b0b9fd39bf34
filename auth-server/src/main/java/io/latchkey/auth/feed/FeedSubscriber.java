package io.latchkey.auth.feed;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open {@code /revocations/stream} response. It first catches up: the live entries its {@link LiveListCursor}
 * reads, one page at a time, each written once the connection has drained the one before, so a long list or a slow
 * client holds about a page, never the list. Meanwhile it keeps the entries broadcast; once caught up it writes
 * each entry with a seq above the cursor's last seq, so an entry both in the pages and in a broadcast goes out once.
 * It never queues without bound: a stream that owes too many entries while catching up, owes more than its backlog
 * bound once live, or whose connection has not drained across two heartbeats is closed, and its client resumes with
 * {@code Last-Event-ID}. Confined to the feed's event loop.
 *
 * <p>A live stream whose connection's queue reads as full keeps what is broadcast meanwhile as one buffer and writes
 * it when the queue drains. Writes from the feed's loop queue as messages on the connection's loop, and Vert.x reads
 * more than 16 of them as a full queue whatever their size: a connection whose loop is busy for a moment is not a slow
 * client, and only the byte bound decides that.
 */
final class FeedSubscriber {
    private static final Logger LOG = LoggerFactory.getLogger(FeedSubscriber.class);

    /** A stream's opened cursor and its first page's events (empty when none), read before anything is written. */
    record CatchUp(LiveListCursor cursor, Buffer first) {}

    private final HttpServerResponse response;
    private final FeedSettings settings;
    private final Runnable onClose;
    private final Runnable unavailable;
    private final Runnable onDropped;
    private final Consumer<Runnable> onFeedLoop;
    private final Context context;
    private List<EventBatch> pending = new ArrayList<>();
    private int pendingEntries;
    private LiveListCursor cursor;
    private long position;
    private boolean closed;
    // Live: events broadcast while the connection's queue was full, written once it drains; null when none.
    private Buffer owed;
    private int heartbeatsOwing;

    /**
     * @param unavailable answers the request when the stream ends before its head was written
     * @param onDropped counts (and perhaps logs) a stream closed for not keeping up
     * @param onFeedLoop runs work on the feed's event loop: reads and drains complete elsewhere
     * @param context the feed's, whose workers render the catch-up pages
     */
    FeedSubscriber(
            HttpServerResponse response,
            FeedSettings settings,
            Runnable onClose,
            Runnable unavailable,
            Runnable onDropped,
            Consumer<Runnable> onFeedLoop,
            Context context) {
        this.response = response;
        this.settings = settings;
        this.onClose = onClose;
        this.unavailable = unavailable;
        this.onDropped = onDropped;
        this.onFeedLoop = onFeedLoop;
        this.context = context;
    }

    /** Answers 200 with the first page, then catches up page by page, then follows live. */
    void join(CatchUp start) {
        if (closed) {
            return;
        }
        cursor = start.cursor();
        // Half the bound queued at the connection, half owed here while its queue reads full (see send).
        response.setWriteQueueMaxSize(settings.writeBacklogBytes() / 2);
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(start.first().length() == 0 ? SseEvents.HEARTBEAT : start.first());
        catchUp();
    }

    private void catchUp() {
        if (cursor.done()) {
            whenDrained(this::goLive);
            return;
        }
        cursor.next().onComplete(read -> onFeedLoop.accept(() -> caughtUp(read)));
    }

    private void caughtUp(AsyncResult<List<RevocationEntry>> read) {
        if (closed) {
            return;
        }
        if (read.failed()) {
            // Every event carries its id: the client resumes from the last one it got.
            LOG.warn(
                    "revocation stream: catch-up read failed ({}); ending the stream",
                    read.cause().getClass().getSimpleName());
            end();
            return;
        }
        render(context, read.result())
                .onComplete(events -> onFeedLoop.accept(() -> {
                    if (events.failed()) {
                        end();
                        return;
                    }
                    whenDrained(() -> {
                        if (events.result().length() > 0) {
                            response.write(events.result());
                        }
                        catchUp();
                    });
                }));
    }

    /** A catch-up page's events, rendered on a worker: thousands of entries take milliseconds. */
    static Future<Buffer> render(Context context, List<RevocationEntry> page) {
        return page.isEmpty()
                ? Future.succeededFuture(Buffer.buffer())
                : context.executeBlocking(() -> SseEvents.revoked(page), false);
    }

    /**
     * Runs {@code then} on the feed's loop once the connection can take more, unless the stream closed by then. The
     * queue is looked at again once the handler is set: it may have drained in between, and would then send no
     * drain event.
     */
    private void whenDrained(Runnable then) {
        if (closed) {
            return;
        }
        if (!response.writeQueueFull()) {
            then.run();
            return;
        }
        boolean[] ran = {false};
        Runnable once = () -> {
            if (!ran[0] && !closed) {
                ran[0] = true;
                response.drainHandler(null);
                then.run();
            }
        };
        response.drainHandler(v -> onFeedLoop.accept(once));
        if (!response.writeQueueFull()) {
            once.run();
        }
    }

    /**
     * Sends whatever was broadcast while catching up, then each broadcast as it comes. What was broadcast meanwhile
     * goes out as one write rather than one a batch, so it queues as one message on the connection's loop.
     */
    private void goLive() {
        position = cursor.lastSeq();
        cursor = null;
        List<EventBatch> meanwhile = pending;
        pending = null;
        Buffer unsentMeanwhile = Buffer.buffer();
        for (EventBatch batch : meanwhile) {
            Buffer unsent = batch.after(position);
            if (unsent != null) {
                unsentMeanwhile.appendBuffer(unsent);
                position = batch.lastSeq();
            }
        }
        if (unsentMeanwhile.length() > 0) {
            send(unsentMeanwhile);
        }
    }

    void deliver(EventBatch batch) {
        if (closed) {
            return;
        }
        if (pending != null) {
            pendingEntries += batch.size();
            if (pendingEntries > settings.maxPendingEntries()) {
                drop();
            } else {
                pending.add(batch);
            }
            return;
        }
        Buffer unsent = batch.after(position);
        if (unsent == null) {
            return;
        }
        position = batch.lastSeq();
        send(unsent);
    }

    /** Writes {@code events} now, or owes them until the connection's queue drains, within the backlog bound. */
    private void send(Buffer events) {
        if (owed == null && !response.writeQueueFull()) {
            response.write(events);
            return;
        }
        int owing = owed == null ? 0 : owed.length();
        if (owing + events.length() > settings.writeBacklogBytes() / 2) {
            drop();
            return;
        }
        if (owed != null) {
            owed.appendBuffer(events);
            return;
        }
        // A copy: a broadcast's buffer is shared by every stream.
        owed = Buffer.buffer(events.length()).appendBuffer(events);
        whenDrained(() -> {
            Buffer due = owed;
            owed = null;
            heartbeatsOwing = 0;
            response.write(due);
        });
    }

    /** True once the stream has caught up and writes each broadcast as it comes (and has not closed). */
    boolean live() {
        return pending == null && !closed;
    }

    /**
     * A comment that keeps the connection open through idle proxies. A stream still owing what it owed at the
     * previous heartbeat has not drained for a whole interval: its client is too slow.
     */
    void heartbeat() {
        if (closed || pending != null) {
            return;
        }
        if (owed != null) {
            if (++heartbeatsOwing >= 2) {
                drop();
            }
            return;
        }
        send(SseEvents.HEARTBEAT);
    }

    /** Ends the stream cleanly: the client reconnects and resumes, perhaps on another replica. */
    void end() {
        if (markClosed()) {
            if (response.headWritten()) {
                response.end();
            } else {
                unavailable.run();
            }
        }
    }

    /** The client cannot keep up: close the connection rather than queue for it. */
    void drop() {
        if (markClosed()) {
            onDropped.run();
            response.reset();
        }
    }

    /** The connection went away on its own. */
    void connectionClosed() {
        markClosed();
    }

    private boolean markClosed() {
        if (closed) {
            return false;
        }
        closed = true;
        pending = null;
        owed = null;
        onClose.run();
        return true;
    }
}
