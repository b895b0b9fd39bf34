package io.latchkey.verifier.revocation;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Turns the bytes of a {@code text/event-stream} into events. Lines end with LF, CRLF or CR; a blank line
 * dispatches; lines starting with {@code :} are comments (the feed's heartbeats). A line longer than the cap stops
 * the parser, so a broken peer cannot make it buffer without end.
 *
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation">
 *     HTML: event stream interpretation</a>
 */
public final class SseParser {
    /** A dispatched event: its type ({@code message} when unnamed), data and id (null when absent). */
    public record Event(String type, String data, String id) {}

    private static final int MAX_LINE = 64 * 1024;

    private final Consumer<Event> events;
    private final StringBuilder line = new StringBuilder();
    private StringBuilder data = new StringBuilder();
    private String type;
    private String id;
    private boolean hasData;
    private boolean lastWasCr;

    public SseParser(Consumer<Event> events) {
        this.events = events;
    }

    /** Feeds bytes; throws {@link IllegalStateException} when a line exceeds the cap. */
    public void feed(Buffer buffer) {
        // The feed's data is ASCII JSON; decoding chunk by chunk cannot split a character there.
        String text = buffer.toString(StandardCharsets.UTF_8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n' && lastWasCr) {
                lastWasCr = false;
                continue;
            }
            lastWasCr = c == '\r';
            if (c == '\n' || c == '\r') {
                processLine(line.toString());
                line.setLength(0);
            } else {
                if (line.length() >= MAX_LINE) {
                    throw new IllegalStateException("event stream line too long");
                }
                line.append(c);
            }
        }
    }

    private void processLine(String l) {
        if (l.isEmpty()) {
            if (hasData) {
                events.accept(new Event(type == null ? "message" : type, data.toString(), id));
            }
            data = new StringBuilder();
            hasData = false;
            type = null;
            return;
        }
        if (l.charAt(0) == ':') {
            return;
        }
        int colon = l.indexOf(':');
        String field = colon < 0 ? l : l.substring(0, colon);
        String value = colon < 0 ? "" : l.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "event" -> type = value;
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "id" -> id = value;
            default -> {
                // retry and unknown fields are ignored: the feed sets its own reconnect timing
            }
        }
    }
}
