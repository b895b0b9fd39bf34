package io.latchkey.auth.feed;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.ArrayList;
import java.util.List;

/**
 * One open {@code /revocations/stream} response. While it joins (its initial read is in flight) it keeps the
 * entries broadcast meanwhile; once joined it writes each entry with a seq above the last one it wrote, so an
 * entry both in the initial read and in a broadcast goes out once. It never queues without bound: a stream
 * that owes too many entries or whose connection cannot drain is closed, and its client resumes with
 * {@code Last-Event-ID}. Confined to the feed's event loop.
 */
final class FeedSubscriber {
    private final HttpServerResponse response;
    private final FeedSettings settings;
    private final Runnable onClose;
    private final Runnable unavailable;
    private final Runnable onDropped;
    private List<EventBatch> pending = new ArrayList<>();
    private int pendingEntries;
    private long position;
    private boolean closed;

    /**
     * @param unavailable answers the request when the stream ends before its head was written
     * @param onDropped counts (and perhaps logs) a stream closed for not keeping up
     */
    FeedSubscriber(
            HttpServerResponse response,
            FeedSettings settings,
            Runnable onClose,
            Runnable unavailable,
            Runnable onDropped) {
        this.response = response;
        this.settings = settings;
        this.onClose = onClose;
        this.unavailable = unavailable;
        this.onDropped = onDropped;
    }

    /** Sends the initial entries and whatever was broadcast while they were read, then follows live. */
    void join(RevocationPage page) {
        if (closed) {
            return;
        }
        Buffer initial = SseEvents.revoked(page.entries());
        position = page.lastSeq();
        List<EventBatch> meanwhile = pending;
        pending = null;
        // The initial entries may be many; the live backlog allowance starts above them.
        response.setWriteQueueMaxSize(initial.length() + settings.writeBacklogBytes());
        response.setChunked(true)
                .setStatusCode(200)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .putHeader("X-Accel-Buffering", "no");
        response.write(initial.length() == 0 ? SseEvents.HEARTBEAT : initial);
        for (EventBatch batch : meanwhile) {
            deliver(batch);
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
        if (response.writeQueueFull()) {
            drop();
            return;
        }
        position = batch.lastSeq();
        response.write(unsent);
    }

    void heartbeat() {
        if (closed || pending != null) {
            return;
        }
        if (response.writeQueueFull()) {
            drop();
            return;
        }
        response.write(SseEvents.HEARTBEAT);
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
        onClose.run();
        return true;
    }
}
