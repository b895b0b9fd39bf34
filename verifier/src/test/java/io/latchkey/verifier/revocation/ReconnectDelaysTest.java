package io.latchkey.verifier.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReconnectDelaysTest {

    @Test
    void nextWhenFirstTenTriesThenEachBetween50And100Ms() {
        ReconnectDelays lowest = new ReconnectDelays(bound -> 0);
        ReconnectDelays highest = new ReconnectDelays(bound -> bound - 1);
        for (int i = 0; i < ReconnectDelays.FAST_TRIES; i++) {
            assertEquals(50, lowest.next());
            assertEquals(100, highest.next());
        }
    }

    @Test
    void nextWhenPastTheFastTriesThenDoublesWithJitterUpTo750Ms() {
        ReconnectDelays highest = new ReconnectDelays(bound -> bound - 1);
        ReconnectDelays lowest = new ReconnectDelays(bound -> 0);
        for (int i = 0; i < ReconnectDelays.FAST_TRIES; i++) {
            highest.next();
            lowest.next();
        }
        List<Long> high = new ArrayList<>();
        List<Long> low = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            high.add(highest.next());
            low.add(lowest.next());
        }
        assertEquals(List.of(200L, 400L, 750L, 750L, 750L, 750L), high);
        assertEquals(List.of(100L, 200L, 375L, 375L, 375L, 375L), low);
    }

    @Test
    void nextWhenRandomThenAlwaysWithinBounds() {
        ReconnectDelays delays = new ReconnectDelays();
        for (int i = 0; i < 1_000; i++) {
            long delay = delays.next();
            assertTrue(delay >= ReconnectDelays.FAST_MIN_MS && delay <= ReconnectDelays.LONGEST_MS, "" + delay);
        }
    }

    @Test
    void resetWhenStreamSpeaksAgainThenFastTriesStartOver() {
        ReconnectDelays delays = new ReconnectDelays(bound -> bound - 1);
        for (int i = 0; i < 20; i++) {
            delays.next();
        }
        delays.reset();
        assertEquals(0, delays.tries());
        assertEquals(100, delays.next());
    }
}
