package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionStoreTest {
    private final TestClock clock = TestClock.atEpochSecond(1_700_000_000);
    private final SessionStore store = new SessionStore(clock, 3);

    static SignedIn signedIn(String sid) {
        return signedIn("sub-1", sid);
    }

    static SignedIn signedIn(String subject, String sid) {
        Tokens tokens = new Tokens(
                "access", Instant.ofEpochSecond(1_700_000_300), Optional.of("refresh"), "notes:read", Optional.empty());
        return new SignedIn(subject, "alice", Optional.ofNullable(sid), tokens);
    }

    @Test
    void createWhenSignedInThenCookieValueCarries256RandomBitsAndFindsTheSession() {
        SessionStore.Created created = store.create(signedIn("sid-1"));

        assertTrue(created.cookieValue().matches("[A-Za-z0-9_-]{43}"));
        assertEquals(created.session(), store.find(created.cookieValue()).orElseThrow());
        assertNotEquals(created.cookieValue(), store.create(signedIn("sid-1")).cookieValue());
    }

    @Test
    void findWhenCookieUnknownOrEmptyThenNothing() {
        store.create(signedIn(null));

        assertTrue(store.find("no-such-session").isEmpty());
        assertTrue(store.find("").isEmpty());
        assertTrue(store.find(null).isEmpty());
    }

    @Test
    void findWhenIdleTooLongThenEnded() {
        SessionStore.Created created = store.create(signedIn(null));
        clock.advance(SessionStore.IDLE.minusMinutes(1));
        assertTrue(store.find(created.cookieValue()).isPresent(), "use keeps it alive");
        clock.advance(SessionStore.IDLE.minusMinutes(1));
        assertTrue(store.find(created.cookieValue()).isPresent());

        clock.advance(SessionStore.IDLE);

        assertTrue(store.find(created.cookieValue()).isEmpty());
        assertEquals(0, store.size());
    }

    @Test
    void findWhenMaxAgeReachedThenEndedEvenIfUsedAllAlong() {
        SessionStore.Created created = store.create(signedIn(null));
        for (int hour = 1; hour < 24; hour++) {
            clock.advance(Duration.ofHours(1));
            assertTrue(store.find(created.cookieValue()).isPresent());
        }

        clock.advance(Duration.ofHours(1));

        assertTrue(store.find(created.cookieValue()).isEmpty());
    }

    @Test
    void endWhenSignedOutThenTheCookieFindsNothing() {
        SessionStore.Created created = store.create(signedIn(null));

        store.end(created.session());

        assertTrue(store.find(created.cookieValue()).isEmpty());
    }

    @Test
    void endAuthServerSessionWhenSidMatchesThenOnlyThoseSessionsEnd() {
        SessionStore.Created first = store.create(signedIn("sid-1"));
        SessionStore.Created second = store.create(signedIn("sid-1"));
        SessionStore.Created other = store.create(signedIn("sid-2"));

        assertEquals(2, store.endAuthServerSession("sid-1"));

        assertTrue(store.find(first.cookieValue()).isEmpty());
        assertTrue(store.find(second.cookieValue()).isEmpty());
        assertTrue(store.find(other.cookieValue()).isPresent());
        assertEquals(0, store.endAuthServerSession("sid-unknown"));
    }

    @Test
    void endAuthServerSessionWhenASubIsNamedTooThenOnlyThatUsersSessionsOfTheSid() {
        SessionStore.Created mine = store.create(signedIn("sub-1", "sid-1"));
        SessionStore.Created notMine = store.create(signedIn("sub-2", "sid-1"));

        assertEquals(1, store.endAuthServerSession("sid-1", Optional.of("sub-1")));

        assertTrue(store.find(mine.cookieValue()).isEmpty());
        assertTrue(store.find(notMine.cookieValue()).isPresent());
        assertEquals(1, store.endAuthServerSession("sid-1", Optional.empty()));
    }

    @Test
    void endSubjectWhenTheUserHasSessionsThenAllOfThemEndWhateverTheSid() {
        SessionStore.Created first = store.create(signedIn("sub-1", "sid-1"));
        SessionStore.Created second = store.create(signedIn("sub-1", null));
        SessionStore.Created other = store.create(signedIn("sub-2", "sid-1"));

        assertEquals(2, store.endSubject("sub-1"));

        assertTrue(store.find(first.cookieValue()).isEmpty());
        assertTrue(store.find(second.cookieValue()).isEmpty());
        assertTrue(store.find(other.cookieValue()).isPresent());
    }

    @Test
    void createWhenFullThenRefusedUntilSessionsExpire() {
        store.create(signedIn(null));
        store.create(signedIn(null));
        store.create(signedIn(null));

        assertThrows(SessionStore.Full.class, () -> store.create(signedIn(null)));

        clock.advance(SessionStore.IDLE);
        store.create(signedIn(null));
        assertEquals(1, store.size());
    }

    @Test
    void createWhenNewSessionThenItsCsrfTokenIsRandomAndItsOwn() {
        WebSession a = store.create(signedIn(null)).session();
        WebSession b = store.create(signedIn(null)).session();

        assertTrue(a.csrfToken().matches("[A-Za-z0-9_-]{43}"));
        assertNotEquals(a.csrfToken(), b.csrfToken());
    }
}
