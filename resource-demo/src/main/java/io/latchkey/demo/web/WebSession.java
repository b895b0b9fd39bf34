package io.latchkey.demo.web;

import io.vertx.core.Future;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * A signed-in browser, held server-side by {@link SessionStore}: who it is, its CSRF token, the tokens (refreshed
 * and rotated in place), and a one-time message for the next page. Requests of one browser may arrive on different
 * event loops at once, so the token state is guarded and a refresh is shared: two pages loading together must not
 * both present the same refresh token, which Latchkey would take for a stolen token's reuse and end the session.
 */
public final class WebSession {
    private final String key;
    private final String subject;
    private final String displayName;
    private final Optional<String> sessionId;
    private final String csrfToken;
    private final Instant createdAt;
    private final AtomicReference<String> flash = new AtomicReference<>();
    private volatile Instant lastUsedAt;
    private volatile boolean ended;
    private Tokens tokens; // guarded by this
    private Future<Tokens> refreshing; // guarded by this

    WebSession(String key, SignedIn signedIn, Instant now) {
        this.key = key;
        this.subject = signedIn.subject();
        this.displayName = signedIn.displayName();
        this.sessionId = signedIn.sessionId();
        this.tokens = signedIn.tokens();
        this.csrfToken = RandomValues.token();
        this.createdAt = now;
        this.lastUsedAt = now;
    }

    /** The {@code sub} of the signed-in user. */
    public String subject() {
        return subject;
    }

    public String displayName() {
        return displayName;
    }

    /** The auth-server session ({@code sid}) this sign-in belongs to, when an ID token named it. */
    public Optional<String> sessionId() {
        return sessionId;
    }

    public String csrfToken() {
        return csrfToken;
    }

    public synchronized Tokens tokens() {
        return tokens;
    }

    /**
     * The tokens, refreshed first when the access token is about to expire. Concurrent callers share one refresh;
     * its result replaces the tokens (the rotated refresh token with them).
     */
    public synchronized Future<Tokens> freshTokens(Instant now, Function<Tokens, Future<Tokens>> refresh) {
        if (!tokens.needsRefresh(now)) {
            return Future.succeededFuture(tokens);
        }
        Future<Tokens> inFlight = refreshing;
        if (inFlight == null) {
            inFlight = refresh.apply(tokens);
            refreshing = inFlight;
            Future<Tokens> mine = inFlight;
            inFlight.onComplete(result -> settle(mine, result.succeeded() ? result.result() : null));
        }
        return inFlight;
    }

    private synchronized void settle(Future<Tokens> refresh, Tokens refreshed) {
        if (refreshed != null) {
            tokens = refreshed;
        }
        if (refreshing == refresh) {
            refreshing = null;
        }
    }

    /** Leaves a message for the next page this browser shows. */
    public void flash(String message) {
        flash.set(message);
    }

    /** The message left for this page, once. */
    public Optional<String> takeFlash() {
        return Optional.ofNullable(flash.getAndSet(null));
    }

    String key() {
        return key;
    }

    Instant createdAt() {
        return createdAt;
    }

    Instant lastUsedAt() {
        return lastUsedAt;
    }

    void touch(Instant now) {
        lastUsedAt = now;
    }

    boolean ended() {
        return ended;
    }

    void end() {
        ended = true;
    }

    @Override
    public String toString() {
        // Tokens and the CSRF token stay out of logs.
        return "WebSession[subject=" + subject + ", createdAt=" + createdAt + "]";
    }
}
