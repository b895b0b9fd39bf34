package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class PendingLoginsTest {
    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final PendingLogins logins = new PendingLogins(clock, 3);

    @Test
    void takeWhenSameBrowserAndStateThenTheSignInOnceOnly() {
        PendingLogin started = logins.start("browser-a");

        assertEquals(started, logins.take("browser-a", started.state()).orElseThrow());
        assertTrue(logins.take("browser-a", started.state()).isEmpty(), "a state is used once");
    }

    @Test
    void takeWhenAnotherBrowserPresentsTheStateThenNothingAndItStaysForItsOwner() {
        PendingLogin started = logins.start("browser-a");

        assertTrue(logins.take("browser-b", started.state()).isEmpty());
        assertTrue(logins.take(null, started.state()).isEmpty());
        assertTrue(logins.take("browser-a", started.state()).isPresent());
    }

    @Test
    void takeWhenStateUnknownOrMissingThenNothing() {
        logins.start("browser-a");

        assertTrue(logins.take("browser-a", "not-a-state").isEmpty());
        assertTrue(logins.take("browser-a", null).isEmpty());
        assertTrue(logins.take("browser-a", "").isEmpty());
    }

    @Test
    void takeWhenTimeToLiveHasPassedThenNothing() {
        PendingLogin started = logins.start("browser-a");
        clock.advance(PendingLogins.TIME_TO_LIVE);

        assertTrue(logins.take("browser-a", started.state()).isEmpty());
    }

    @Test
    void takeWhenJustBeforeTimeToLiveThenTheSignIn() {
        PendingLogin started = logins.start("browser-a");
        clock.advance(PendingLogins.TIME_TO_LIVE.minusSeconds(1));

        assertTrue(logins.take("browser-a", started.state()).isPresent());
    }

    @Test
    void startWhenOneBrowserStartsTwoThenBothCompleteWithTheirOwnSecrets() {
        PendingLogin first = logins.start("browser-a");
        PendingLogin second = logins.start("browser-a");

        assertNotEquals(first.state(), second.state());
        assertNotEquals(first.nonce(), second.nonce());
        assertNotEquals(first.pkce().verifier(), second.pkce().verifier());
        assertEquals(second, logins.take("browser-a", second.state()).orElseThrow());
        assertEquals(first, logins.take("browser-a", first.state()).orElseThrow());
    }

    @Test
    void startWhenFullThenRefusedUntilEntriesExpire() {
        logins.start("a");
        logins.start("b");
        logins.start("c");

        assertThrows(PendingLogins.Full.class, () -> logins.start("d"));

        clock.advance(PendingLogins.TIME_TO_LIVE);
        logins.start("d");
        assertEquals(1, logins.size(), "expired entries made room");
    }

    @Test
    void pruneWhenEntriesExpiredThenOnlyLiveOnesStay() {
        logins.start("a");
        clock.advance(Duration.ofMinutes(10));
        PendingLogin live = logins.start("b");
        clock.advance(Duration.ofMinutes(6));

        logins.prune();

        assertEquals(1, logins.size());
        assertTrue(logins.take("b", live.state()).isPresent());
    }

    @Test
    void startWhenCalledThenStateNonceAndVerifierCarryAtLeast128RandomBits() {
        PendingLogin started = logins.start("a");

        // 32 random bytes as base64url without padding: 43 characters, 256 bits.
        assertTrue(started.state().matches("[A-Za-z0-9_-]{43}"));
        assertTrue(started.nonce().matches("[A-Za-z0-9_-]{43}"));
        assertTrue(started.pkce().verifier().matches("[A-Za-z0-9_-]{43}"));
    }
}
