package io.latchkey.verifier.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ExpiryIndexTest {
    private static final long NOW = 1_000_000;
    private static final String SID = "2d4b9a51-0c6e-4a1f-8e55-7d1f9b3c2a10";
    private static final String JTI = "q83vEjRWeJCrze8SNFZ4kA";

    @Test
    void liveWhenTheSameUuidIsAskedThenTrueAndAnyOtherSpellingFalse() {
        ExpiryIndex index = new ExpiryIndex();
        index.add(SID, NOW + 60);

        assertTrue(index.live(SID, NOW));
        assertFalse(index.live(SID.toUpperCase(), NOW));
        assertFalse(index.live("2d4b9a51-0c6e-4a1f-8e55-7d1f9b3c2a11", NOW));
        assertFalse(index.live(SID.replace('-', '_'), NOW));
    }

    @Test
    void liveWhenTheSameBase64urlJtiIsAskedThenTrueAndANonCanonicalOneFalse() {
        ExpiryIndex index = new ExpiryIndex();
        index.add(JTI, NOW + 60);

        assertTrue(index.live(JTI, NOW));
        // Same 128 bits: the last character's unused low bits differ, so the string is a different value.
        assertFalse(index.live("q83vEjRWeJCrze8SNFZ4kB", NOW));
        assertFalse(index.live("q83vEjRWeJCrze8SNFZ4kQ", NOW));
    }

    @Test
    void liveWhenAUuidAndABase64urlValueHoldTheSameBitsThenOnlyTheAddedOneMatches() {
        ExpiryIndex index = new ExpiryIndex();
        index.add("abcdef01-2345-6789-abcd-ef0123456789", NOW + 60);

        assertFalse(index.live("q83vASNFZ4mrze8BI0VniQ", NOW));
        assertTrue(index.live("abcdef01-2345-6789-abcd-ef0123456789", NOW));
    }

    @Test
    void liveWhenAnyOtherValueThenExactStringMatch() {
        ExpiryIndex index = new ExpiryIndex();
        index.add("jti-1", NOW + 60);

        assertTrue(index.live("jti-1", NOW));
        assertFalse(index.live("jti-2", NOW));
    }

    @Test
    void addWhenAddedTwiceThenTheLaterExpiryHoldsAndPruneDropsItOnlyThen() {
        ExpiryIndex index = new ExpiryIndex();
        index.add(SID, NOW + 120);
        index.add(SID, NOW + 60);
        index.add(JTI, NOW + 30);

        index.prune(NOW + 60);

        assertEquals(1, index.size());
        assertTrue(index.live(SID, NOW + 119));
        assertFalse(index.live(SID, NOW + 120));
        assertFalse(index.live(JTI, NOW));
    }
}
