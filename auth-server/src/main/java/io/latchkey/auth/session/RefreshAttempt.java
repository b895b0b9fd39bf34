package io.latchkey.auth.session;

/**
 * What one lock-and-rotate statement found and did. {@code rotated} is false whenever the token was not good for
 * the presenting client at the given time; when it was, and still did not rotate, another rotation of the same
 * token committed while this one waited for the session lock: a reuse.
 */
public record RefreshAttempt(LockedRefreshToken token, boolean rotated) {}
