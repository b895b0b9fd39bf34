package io.latchkey.auth.test;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.LongConsumer;

/**
 * For the latency benchmarks: a {@code /revocations/stream} subscriber that notes when each entry arrives. It finds
 * {@code id: <n>} lines in the raw bytes without building strings, across chunk boundaries, so hundreds of
 * subscribers spend the CPU on the server, not on parsing. Tests that look at the events use {@link SseClient}.
 */
public final class SseArrivals {
    private static final byte[] PREFIX = "id: ".getBytes(StandardCharsets.US_ASCII);

    private int matched; // how much of PREFIX the current line has matched, -1 once it cannot
    private long value = -1;

    private SseArrivals() {}

    /**
     * Opens a stream after seq {@code base} and sets {@code arrivals[seq - base - 1]} to the {@code nanoTime} at
     * which that entry arrived, for the next {@code arrivals.length()} entries; counts {@code allReceived} down once
     * every one of them has.
     */
    public static Future<Void> follow(
            HttpClient http,
            int port,
            String authorization,
            long base,
            AtomicLongArray arrivals,
            CountDownLatch allReceived) {
        int total = arrivals.length();
        int[] received = {0};
        SseArrivals ids = new SseArrivals();
        return http.request(SseClient.request(port, authorization, Long.toString(base)))
                .compose(request -> request.send())
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return Future.failedFuture("stream answered " + response.statusCode());
                    }
                    response.handler(chunk -> {
                        long now = System.nanoTime();
                        ids.scan(chunk, seq -> {
                            int index = (int) (seq - base - 1);
                            if (index >= 0 && index < total && arrivals.compareAndSet(index, 0, now)) {
                                if (++received[0] == total) {
                                    allReceived.countDown();
                                }
                            }
                        });
                    });
                    return Future.succeededFuture();
                });
    }

    private void scan(Buffer chunk, LongConsumer onId) {
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
