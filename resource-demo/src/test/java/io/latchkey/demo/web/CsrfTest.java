package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CsrfTest {
    private static final String APP = "http://localhost:8082";

    @Test
    void acceptsWhenTokenMatchesAndOriginIsTheAppOrAbsentThenTrue() {
        assertTrue(Csrf.accepts("token-123", "token-123", APP, APP));
        assertTrue(Csrf.accepts("token-123", "token-123", null, APP), "older browsers send no Origin");
    }

    @Test
    void acceptsWhenTokenMissingOrDifferentThenFalse() {
        assertFalse(Csrf.accepts("token-123", null, APP, APP));
        assertFalse(Csrf.accepts("token-123", "", APP, APP));
        assertFalse(Csrf.accepts("token-123", "token-124", APP, APP));
        assertFalse(Csrf.accepts("token-123", "token-1234", APP, APP));
    }

    @Test
    void acceptsWhenOriginIsAnotherSiteThenFalseEvenWithTheToken() {
        assertFalse(Csrf.accepts("token-123", "token-123", "https://evil.example", APP));
        assertFalse(Csrf.accepts("token-123", "token-123", "null", APP));
        assertFalse(Csrf.accepts("token-123", "token-123", "http://localhost:8083", APP));
    }
}
