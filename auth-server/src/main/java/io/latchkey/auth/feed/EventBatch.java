package io.latchkey.auth.feed;

import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * New entries from one catch-up read, in seq order, rendered once as consecutive {@code revoked} events; every
 * stream that is already past none of them gets the same bytes.
 */
final class EventBatch {
    private final List<RevocationEntry> entries;
    private final Buffer events;

    EventBatch(List<RevocationEntry> entries) {
        this.entries = List.copyOf(entries);
        this.events = SseEvents.revoked(this.entries);
    }

    int size() {
        return entries.size();
    }

    long lastSeq() {
        return entries.get(entries.size() - 1).seq();
    }

    /** The events of the entries above {@code position}, or {@code null} when there are none. */
    Buffer after(long position) {
        if (position < entries.get(0).seq()) {
            return events;
        }
        if (position >= lastSeq()) {
            return null;
        }
        // A stream that joined while this batch was in flight already has its first entries.
        return SseEvents.revoked(
                entries.stream().filter(entry -> entry.seq() > position).toList());
    }
}
