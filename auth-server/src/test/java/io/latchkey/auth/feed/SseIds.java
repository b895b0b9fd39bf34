package io.latchkey.auth.feed;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.LongConsumer;

/**
 * Finds {@code id: <n>} lines in Server-Sent Events bytes without building strings, across chunk boundaries, so a
 * benchmark with hundreds of subscribers spends its CPU on the server, not on parsing. One per stream.
 */
public final class SseIds {
    private static final byte[] PREFIX = "id: ".getBytes(StandardCharsets.US_ASCII);
    private int matched; // how much of PREFIX the current line has matched, -1 once it cannot
    private long value = -1;

    public void scan(Buffer chunk, LongConsumer onId) {
        for (int i = 0; i < chunk.length(); i++) {
            byte b = chunk.getByte(i);
            if (b == '\n') {
                if (value >= 0) {
                    onId.accept(value);
                }
                matched = 0;
                value = -1;
            } else if (matched >= 0 && matched < PREFIX.length) {
                matched = b == PREFIX[matched] ? matched + 1 : -1;
                if (matched == PREFIX.length) {
                    value = 0;
                }
            } else if (matched == PREFIX.length) {
                value = value * 10 + (b - '0');
            }
        }
    }
}
