package io.latchkey.cli;

import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * Server-Sent Events from the lines of a stream: {@code id:}, {@code event:} and {@code data:} fields gathered until
 * a blank line dispatches them; comment lines (heartbeats) and unknown fields are skipped.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">the
 *     event stream format</a>
 */
final class SseEvents implements Iterator<SseEvents.Event> {
    record Event(String id, String type, String data) {}

    private final Iterator<String> lines;
    private Event next;

    SseEvents(Iterator<String> lines) {
        this.lines = lines;
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = read();
        }
        return next != null;
    }

    @Override
    public Event next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        Event event = next;
        next = null;
        return event;
    }

    private Event read() {
        String id = null;
        String type = null;
        StringBuilder data = null;
        while (lines.hasNext()) {
            String line = lines.next();
            if (line.isEmpty()) {
                if (data != null) {
                    return new Event(id, type == null ? "message" : type, data.toString());
                }
                id = null;
                type = null;
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            switch (field) {
                case "id" -> id = value;
                case "event" -> type = value;
                case "data" -> {
                    if (data == null) {
                        data = new StringBuilder(value);
                    } else {
                        data.append('\n').append(value);
                    }
                }
                default -> {
                    // retry and unknown fields: nothing to show.
                }
            }
        }
        return null;
    }
}
