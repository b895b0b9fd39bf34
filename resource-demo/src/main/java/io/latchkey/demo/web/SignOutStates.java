package io.latchkey.demo.web;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code state} values sent with RP-initiated logouts, so that the return to the post-logout redirect URI can be
 * told from a link anyone could have made: each is random, used once, lives {@link #TIME_TO_LIVE} (time enough for the
 * auth server to ask the user to confirm) and the store holds at most {@code capacity}. Only the states' digests are
 * kept. Safe to use from every event loop.
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout">RP-Initiated Logout 1.0 §2</a>
 */
public final class SignOutStates {
    public static final Duration TIME_TO_LIVE = Duration.ofMinutes(15);

    private final ConcurrentHashMap<String, Instant> issued = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int capacity;

    public SignOutStates(Clock clock, int capacity) {
        this.clock = clock;
        this.capacity = capacity;
    }

    /** A new state, or empty when too many sign-outs are under way (the sign-out then goes without one). */
    public Optional<String> issue() {
        if (issued.size() >= capacity) {
            prune();
            if (issued.size() >= capacity) {
                return Optional.empty();
            }
        }
        String state = RandomValues.token();
        issued.put(RandomValues.sha256(state), clock.instant());
        return Optional.of(state);
    }

    /** Whether {@code state} is one this app issued and has not seen back yet; it cannot come back twice. */
    public boolean take(String state) {
        if (state == null || state.isEmpty() || state.length() > 512) {
            return false;
        }
        Instant at = issued.remove(RandomValues.sha256(state));
        return at != null && clock.instant().isBefore(at.plus(TIME_TO_LIVE));
    }

    /** Drops expired states; the verticle calls this periodically. */
    public void prune() {
        Instant oldest = clock.instant().minus(TIME_TO_LIVE);
        issued.values().removeIf(at -> !at.isAfter(oldest));
    }

    public int size() {
        return issued.size();
    }
}
