package io.latchkey.demo.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sign-ins under way, each bound to the browser that started it: the key is the pre-login cookie's value together
 * with the {@code state}, so a callback counts only in the browser that asked for it (RFC 9700 §4.7, CSRF), and a
 * browser may have several under way at once (two tabs). An entry is used once, lives {@link #TIME_TO_LIVE}, and the
 * store holds at most {@code capacity} of them, so strangers starting sign-ins cannot exhaust memory. Safe to use from
 * every event loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-10.12">RFC 6749 §10.12</a>
 */
public final class PendingLogins {
    /** As long as a person may reasonably spend on the sign-in page. */
    public static final Duration TIME_TO_LIVE = Duration.ofMinutes(15);

    private final ConcurrentHashMap<String, PendingLogin> pending = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;

    public PendingLogins(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** Starts a sign-in for the browser holding {@code browserKey}; fails with {@link Full} when at capacity. */
    public PendingLogin start(String browserKey) {
        if (pending.size() >= capacity) {
            prune();
            if (pending.size() >= capacity) {
                throw new Full();
            }
        }
        PendingLogin login = PendingLogin.start(clock.instant());
        pending.put(key(browserKey, login.state()), login);
        return login;
    }

    /**
     * The sign-in this browser started with this {@code state}, removed so that it cannot be used twice; empty when
     * unknown, started by another browser, or expired.
     */
    public Optional<PendingLogin> take(String browserKey, String state) {
        if (browserKey == null || state == null || browserKey.isEmpty() || state.isEmpty()) {
            return Optional.empty();
        }
        PendingLogin login = pending.remove(key(browserKey, state));
        if (login == null || expired(login, clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(login);
    }

    /** Drops expired entries; the verticle calls this periodically. */
    public void prune() {
        Instant now = clock.instant();
        pending.values().removeIf(login -> expired(login, now));
    }

    public int size() {
        return pending.size();
    }

    private static boolean expired(PendingLogin login, Instant now) {
        return !now.isBefore(login.startedAt().plus(TIME_TO_LIVE));
    }

    private static String key(String browserKey, String state) {
        // Digests keep the map's keys fixed-size and the cookie value out of memory dumps of the map.
        return RandomValues.sha256(browserKey) + '.' + RandomValues.sha256(state);
    }

    /** Too many sign-ins under way at once. */
    public static final class Full extends RuntimeException {
        public Full() {
            super("too many sign-ins under way", null, false, false);
        }
    }
}
