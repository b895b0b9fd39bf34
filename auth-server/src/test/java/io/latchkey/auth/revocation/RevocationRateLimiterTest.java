package io.latchkey.auth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class RevocationRateLimiterTest {
    private final AtomicLong nanos = new AtomicLong(5_000_000_000L);
    private final RevocationRateLimiter limiter = new RevocationRateLimiter(20, nanos::get);

    @Test
    void acquireWhenBurstWithinRateThenAllAdmittedAndTheNextWaitsOneSecond() {
        for (int i = 0; i < 20; i++) {
            assertEquals(OptionalLong.empty(), limiter.acquire("a"), "request " + i);
        }
        assertEquals(OptionalLong.of(1), limiter.acquire("a"));
    }

    @Test
    void acquireWhenTimePassesThenTokensRefillAtTheRate() {
        for (int i = 0; i < 20; i++) {
            limiter.acquire("a");
        }
        nanos.addAndGet(50_000_000L);
        assertEquals(OptionalLong.empty(), limiter.acquire("a"));
        assertEquals(OptionalLong.of(1), limiter.acquire("a"));
        nanos.addAndGet(10_000_000_000L);
        for (int i = 0; i < 20; i++) {
            assertEquals(OptionalLong.empty(), limiter.acquire("a"), "after refill " + i);
        }
        assertEquals(OptionalLong.of(1), limiter.acquire("a"));
    }

    @Test
    void acquireWhenOneClientExhaustedThenOtherClientsUnaffected() {
        for (int i = 0; i < 21; i++) {
            limiter.acquire("a");
        }
        assertEquals(OptionalLong.empty(), limiter.acquire("b"));
    }
}
