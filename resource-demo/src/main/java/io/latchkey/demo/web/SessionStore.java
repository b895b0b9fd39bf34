package io.latchkey.demo.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Signed-in browsers, in memory (gone at restart, like the notes): the cookie carries a random 256-bit id, the store
 * keeps only its SHA-256, and the tokens never leave the server. A session ends after {@link #IDLE} without a request
 * or {@link #MAX_AGE} after sign-in, when the user signs out, when the auth server stops honouring its tokens, or when
 * its auth-server session ({@code sid}) or its user ends ({@link #endAuthServerSession}, {@link #endSubject}: what a
 * back-channel logout calls).
 * At most {@code capacity} sessions are kept. Safe to use from every event loop.
 */
public final class SessionStore {
    public static final Duration IDLE = Duration.ofHours(8);
    public static final Duration MAX_AGE = Duration.ofHours(24);

    private final ConcurrentHashMap<String, WebSession> sessions = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;

    public SessionStore(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** A new session and the cookie value that names it; a sign-in never reuses an id (no session fixation). */
    public Created create(SignedIn signedIn) {
        if (sessions.size() >= capacity) {
            prune();
            if (sessions.size() >= capacity) {
                throw new Full();
            }
        }
        String cookieValue = RandomValues.token();
        WebSession session = new WebSession(RandomValues.sha256(cookieValue), signedIn, clock.instant());
        sessions.put(session.key(), session);
        return new Created(cookieValue, session);
    }

    /** The live session the cookie names; counts as use of it. */
    public Optional<WebSession> find(String cookieValue) {
        if (cookieValue == null || cookieValue.isEmpty()) {
            return Optional.empty();
        }
        String key = RandomValues.sha256(cookieValue);
        WebSession session = sessions.get(key);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        if (expired(session, now)) {
            end(session);
            return Optional.empty();
        }
        session.touch(now);
        return Optional.of(session);
    }

    public void end(WebSession session) {
        session.end();
        sessions.remove(session.key(), session);
    }

    /** Ends every session of the auth-server session {@code sid}; returns how many ended. */
    public int endAuthServerSession(String sid) {
        return endWhere(session -> session.sessionId().filter(sid::equals).isPresent());
    }

    /**
     * Ends every session of the auth-server session {@code sid} that, when {@code subject} is given, belongs to that
     * user; returns how many ended.
     */
    public int endAuthServerSession(String sid, Optional<String> subject) {
        return endWhere(session -> session.sessionId().filter(sid::equals).isPresent()
                && subject.map(session.subject()::equals).orElse(true));
    }

    /** Ends every session of the user {@code subject}; returns how many ended. */
    public int endSubject(String subject) {
        return endWhere(session -> session.subject().equals(subject));
    }

    private int endWhere(Predicate<WebSession> which) {
        int[] ended = {0};
        sessions.values().removeIf(session -> {
            if (which.test(session)) {
                session.end();
                ended[0]++;
                return true;
            }
            return false;
        });
        return ended[0];
    }

    /** Drops expired sessions; the verticle calls this periodically. */
    public void prune() {
        Instant now = clock.instant();
        sessions.values().removeIf(session -> {
            if (expired(session, now)) {
                session.end();
                return true;
            }
            return false;
        });
    }

    public int size() {
        return sessions.size();
    }

    private static boolean expired(WebSession session, Instant now) {
        return session.ended()
                || !now.isBefore(session.lastUsedAt().plus(IDLE))
                || !now.isBefore(session.createdAt().plus(MAX_AGE));
    }

    /** A new session and the value of the cookie that names it. */
    public record Created(String cookieValue, WebSession session) {
        @Override
        public String toString() {
            return "Created[" + session + "]";
        }
    }

    /** Too many signed-in sessions at once. */
    public static final class Full extends RuntimeException {
        public Full() {
            super("too many signed-in sessions", null, false, false);
        }
    }
}
