package io.latchkey.auth.feed;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes {@code GET /revocations}'s {@code {"entries":[...],"last_seq":n}} page by page from a {@link LiveListCursor},
 * the same bytes {@link RevocationPage#toJson()} encodes to. An answer that fits in one page goes out whole, with a
 * {@code Content-Length}; a longer one is chunked, each page one chunk, and the next page is written only once the
 * connection has drained: a slow client holds the server to about two pages, not the list. A client that goes away
 * stops the reads. A read that fails after the head was sent resets the connection, so the client sees a broken
 * answer rather than a short list that parses. Each page is rendered on a worker: thousands of entries take
 * milliseconds. Otherwise confined to the request's event loop.
 */
public final class RevocationListAnswer {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationListAnswer.class);
    private static final Buffer OPEN = Buffer.buffer("{\"entries\":[");
    /** A rendered entry is about 110 bytes (a 36-character sid), more for a longer value. */
    private static final int ENTRY_BYTES = 128;

    private final Context context;
    private final HttpServerResponse response;
    private final LiveListCursor cursor;
    private long written;
    private boolean opened;
    private boolean closed;

    private RevocationListAnswer(Context context, HttpServerResponse response, LiveListCursor cursor) {
        this.context = context;
        this.response = response;
        this.cursor = cursor;
    }

    /**
     * Opens the cursor and reads its first page, then answers 200 and streams the rest on its own. The future fails,
     * with nothing written, when the opening reads fail: the caller answers the error as for any other route. Call on
     * the request's event loop.
     */
    public static Future<Void> send(HttpServerResponse response, Future<LiveListCursor> opening) {
        Context context = Vertx.currentContext();
        return opening.compose(cursor -> cursor.next().map(first -> {
            new RevocationListAnswer(context, response, cursor).start(first);
            return null;
        }));
    }

    private void start(List<RevocationEntry> first) {
        response.closeHandler(v -> closed = true);
        response.setStatusCode(200).putHeader("Content-Type", "application/json");
        if (!cursor.done()) {
            response.setChunked(true);
        }
        write(first);
    }

    /** Renders a page on a worker, writes it, and reads the next while the connection sends it. */
    private void write(List<RevocationEntry> page) {
        boolean last = cursor.done();
        context.executeBlocking(() -> render(page, last), false).onComplete(rendered -> {
            if (closed) {
                return;
            }
            if (rendered.failed()) {
                fail(rendered.cause());
            } else if (last) {
                response.end(rendered.result());
            } else {
                response.write(rendered.result());
                cursor.next().onComplete(this::pageRead);
            }
        });
    }

    private void pageRead(AsyncResult<List<RevocationEntry>> read) {
        if (closed) {
            return;
        }
        if (read.failed()) {
            fail(read.cause());
            return;
        }
        if (response.writeQueueFull()) {
            response.drainHandler(v -> {
                response.drainHandler(null);
                write(read.result());
            });
        } else {
            write(read.result());
        }
    }

    /** After the head: a reset, so the client cannot take what it got for the whole list. */
    private void fail(Throwable cause) {
        LOG.warn(
                "revocation list: read failed after {} entries ({}); resetting the connection",
                written,
                cause.getClass().getSimpleName());
        closed = true;
        response.reset();
    }

    /**
     * The page's entries, comma-separated from what went before; the opening bracket before the first page, the
     * closing part after the last. On a worker, one page at a time: the future between pages orders the fields' use.
     */
    private Buffer render(List<RevocationEntry> page, boolean last) {
        Buffer buffer = Buffer.buffer(page.size() * ENTRY_BYTES + OPEN.length());
        if (!opened) {
            opened = true;
            buffer.appendBuffer(OPEN);
        }
        for (RevocationEntry entry : page) {
            if (written++ > 0) {
                buffer.appendByte((byte) ',');
            }
            buffer.appendString(entry.toJson().encode());
        }
        return last ? buffer.appendString(close()) : buffer;
    }

    private String close() {
        return "],\"last_seq\":" + cursor.lastSeq() + "}";
    }
}
