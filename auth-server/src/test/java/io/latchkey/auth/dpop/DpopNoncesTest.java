package io.latchkey.auth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DpopNoncesTest {
    private static final String SECRET = "test-internal-secret-0123456789abcdefghij";
    private static final long WINDOW_MS = DpopNonces.WINDOW_SECONDS * 1000;

    @Test
    void acceptsWhenNonceOfThisOrThePreviousWindowThenTrueAndOlderFalse() {
        AtomicLong now = new AtomicLong(1_700_000_000_000L);
        DpopNonces nonces = new DpopNonces(SECRET, now::get);
        String first = nonces.current();
        assertTrue(nonces.accepts(first));

        now.addAndGet(WINDOW_MS);
        String second = nonces.current();
        assertNotEquals(first, second);
        assertTrue(nonces.accepts(first), "the previous window's nonce is still good");
        assertTrue(nonces.accepts(second));

        now.addAndGet(WINDOW_MS);
        assertFalse(nonces.accepts(first), "two windows old");
        assertTrue(nonces.accepts(second));
    }

    @Test
    void acceptsWhenAnotherReplicaWithTheSameSecretIssuedItThenTrueAndWithAnotherSecretFalse() {
        AtomicLong now = new AtomicLong(1_700_000_000_000L);
        String nonce = new DpopNonces(SECRET, now::get).current();
        assertEquals(nonce, new DpopNonces(SECRET, now::get).current());
        assertTrue(new DpopNonces(SECRET, now::get).accepts(nonce));
        assertFalse(new DpopNonces(SECRET + "-other", now::get).accepts(nonce));
    }

    @Test
    void acceptsWhenMissingOrGarbageThenFalse() {
        DpopNonces nonces = new DpopNonces(SECRET, System::currentTimeMillis);
        assertFalse(nonces.accepts(null));
        assertFalse(nonces.accepts(""));
        assertFalse(nonces.accepts("x".repeat(1000)));
        assertFalse(nonces.accepts(nonces.current() + "x"));
    }
}
