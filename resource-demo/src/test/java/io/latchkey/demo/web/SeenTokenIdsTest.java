package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.demo.web.SeenTokenIds.Use;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class SeenTokenIdsTest {
    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final SeenTokenIds seen = new SeenTokenIds(clock, 2);
    private final long exp = 1_700_000_120;

    @Test
    void recordWhenAJtiComesTwiceThenTheSecondIsAReplay() {
        assertEquals(Use.FIRST, seen.record("jti-1", exp));
        assertEquals(Use.REPLAYED, seen.record("jti-1", exp));
        assertEquals(Use.FIRST, seen.record("jti-2", exp));
    }

    @Test
    void recordWhenTheFirstTokenCouldNoLongerPassItsExpCheckThenForgotten() {
        seen.record("jti-1", exp);
        clock.advance(Duration.ofSeconds(120 + 59));
        assertEquals(Use.REPLAYED, seen.record("jti-1", exp + 200));

        clock.advance(Duration.ofSeconds(1));
        seen.prune();
        assertEquals(0, seen.size());
        assertEquals(Use.FIRST, seen.record("jti-1", exp + 200));
    }

    @Test
    void recordWhenFullOfLiveEntriesThenFullAndNothingRecordedUntilTheyExpire() {
        seen.record("jti-1", exp);
        seen.record("jti-2", exp);

        assertEquals(Use.FULL, seen.record("jti-3", exp));
        clock.advance(Duration.ofSeconds(180));
        assertEquals(Use.FIRST, seen.record("jti-3", exp + 180));
        assertEquals(1, seen.size());
    }
}
