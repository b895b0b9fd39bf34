package io.latchkey.common.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class InMemoryDpopReplayCacheTest {
    private static final Duration ACCEPTANCE = Duration.ofSeconds(65);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T08:00:00Z"));

    @Test
    void firstUseWhenSeenBeforeThenFalse() {
        var cache = new InMemoryDpopReplayCache(100, ACCEPTANCE, clock);

        assertTrue(cache.firstUse("jkt", "jti-1", clock.instant()));
        assertFalse(cache.firstUse("jkt", "jti-1", clock.instant()));
        assertTrue(cache.firstUse("jkt", "jti-2", clock.instant()));
        assertTrue(cache.firstUse("other-jkt", "jti-1", clock.instant()));
    }

    @Test
    void firstUseWhenStillInsideTheWindowThenStillRemembered() {
        var cache = new InMemoryDpopReplayCache(100, ACCEPTANCE, clock);
        Instant iat = clock.instant();
        cache.firstUse("jkt", "jti", iat);

        clock.advance(ACCEPTANCE);

        assertFalse(cache.firstUse("jkt", "jti", iat));
    }

    @Test
    void firstUseWhenWindowPassedThenForgotten() {
        var cache = new InMemoryDpopReplayCache(100, ACCEPTANCE, clock);
        cache.firstUse("jkt", "a", clock.instant());
        cache.firstUse("jkt", "b", clock.instant());

        clock.advance(ACCEPTANCE.plusSeconds(1));
        cache.firstUse("jkt", "c", clock.instant());

        assertEquals(1, cache.size());
    }

    @Test
    void firstUseWhenFullOfLiveEntriesThenRefusedNotForgotten() {
        var cache = new InMemoryDpopReplayCache(2, ACCEPTANCE, clock);
        assertTrue(cache.firstUse("jkt", "a", clock.instant()));
        assertTrue(cache.firstUse("jkt", "b", clock.instant()));

        assertFalse(cache.firstUse("jkt", "c", clock.instant()));
        assertFalse(cache.firstUse("jkt", "a", clock.instant()));
        assertEquals(1, cache.refusedWhenFull());

        clock.advance(ACCEPTANCE.plusSeconds(1));
        assertTrue(cache.firstUse("jkt", "c", clock.instant()));
    }
}
