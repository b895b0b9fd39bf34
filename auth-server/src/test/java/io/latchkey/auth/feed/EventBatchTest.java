package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import org.junit.jupiter.api.Test;

class EventBatchTest {
    private static final RevocationEntry FIVE = new RevocationEntry(5, "jti", "a", null, 100);
    private static final RevocationEntry SIX = new RevocationEntry(6, "sub", "u", 40L, 200);
    private static final EventBatch BATCH = new EventBatch(List.of(FIVE, SIX));

    @Test
    void afterWhenPositionBeforeTheBatchThenEveryEventInSeqOrder() {
        assertEquals(
                "event: revoked\nid: 5\ndata: {\"seq\":5,\"type\":\"jti\",\"value\":\"a\",\"expires_at\":100}\n\n"
                        + "event: revoked\nid: 6\ndata: {\"seq\":6,\"type\":\"sub\",\"value\":\"u\",\"not_before\":40,"
                        + "\"expires_at\":200}\n\n",
                BATCH.after(4).toString());
    }

    @Test
    void afterWhenPositionInsideTheBatchThenOnlyLaterEvents() {
        assertEquals(SseEvents.revoked(SIX).toString(), BATCH.after(5).toString());
    }

    @Test
    void afterWhenPositionAtOrPastTheBatchThenNothing() {
        assertNull(BATCH.after(6));
        assertNull(BATCH.after(60));
    }
}
