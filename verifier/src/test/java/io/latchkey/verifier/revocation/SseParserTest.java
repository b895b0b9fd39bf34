package io.latchkey.verifier.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseParserTest {
    @Test
    void feedWhenEventSplitAcrossChunksThenDispatchedOnceComplete() {
        List<SseParser.Event> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(Buffer.buffer(": heartbeat\n\nevent: revoked\nid: 7\nda"));
        assertEquals(List.of(), events);
        parser.feed(Buffer.buffer("ta: {\"seq\":7}\n\n"));
        assertEquals(List.of(new SseParser.Event("revoked", "{\"seq\":7}", "7")), events);
    }

    @Test
    void feedWhenCrLfAndCrLineEndingsThenParsedAlike() {
        List<SseParser.Event> events = new ArrayList<>();
        SseParser parser = new SseParser(events::add);
        parser.feed(Buffer.buffer("event: revoked\r\ndata: a\r\ndata: b\r\n\r\ndata:c\r\r"));
        assertEquals(
                List.of(new SseParser.Event("revoked", "a\nb", null), new SseParser.Event("message", "c", null)),
                events);
    }

    @Test
    void feedWhenLineTooLongThenFails() {
        SseParser parser = new SseParser(e -> {});
        assertThrows(IllegalStateException.class, () -> parser.feed(Buffer.buffer("data: " + "x".repeat(70_000))));
    }
}
