package io.latchkey.auth.feed;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * Renders the feed's Server-Sent Events. Each event is rendered once and the same bytes go to every stream.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html">HTML Living Standard, Server-sent events</a>
 */
final class SseEvents {
    static final String EVENT = "revoked";
    static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");

    private SseEvents() {}

    /** {@code event: revoked}, {@code id: <seq>}, {@code data: <entry JSON>}; JSON encoding never emits a newline. */
    static Buffer revoked(RevocationEntry entry) {
        return Buffer.buffer("event: " + EVENT + "\nid: " + entry.seq() + "\ndata: "
                + entry.toJson().encode() + "\n\n");
    }

    static Buffer revoked(List<RevocationEntry> entries) {
        Buffer all = Buffer.buffer(entries.size() * 128);
        entries.forEach(entry -> all.appendBuffer(revoked(entry)));
        return all;
    }
}
