package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SignOutStatesTest {
    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final SignOutStates states = new SignOutStates(clock, 2);

    @Test
    void takeWhenIssuedHereThenTrueOnceOnly() {
        String state = states.issue().orElseThrow();

        assertTrue(state.matches("[A-Za-z0-9_-]{43}"));
        assertTrue(states.take(state));
        assertFalse(states.take(state));
    }

    @Test
    void takeWhenUnknownEmptyOrExpiredThenFalse() {
        String state = states.issue().orElseThrow();

        assertFalse(states.take("made-up"));
        assertFalse(states.take(""));
        assertFalse(states.take(null));
        clock.advance(SignOutStates.TIME_TO_LIVE);
        assertFalse(states.take(state));
    }

    @Test
    void issueWhenFullThenNoStateUntilOnesExpire() {
        states.issue();
        states.issue();

        assertEquals(Optional.empty(), states.issue());
        clock.advance(SignOutStates.TIME_TO_LIVE.plus(Duration.ofSeconds(1)));
        assertTrue(states.issue().isPresent());
        assertEquals(1, states.size());
    }
}
