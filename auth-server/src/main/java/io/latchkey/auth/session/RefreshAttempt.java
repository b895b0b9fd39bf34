package io.latchkey.auth.session;

/**
 * What one rotation statement found and did. {@code rotated} is false whenever the token was not good for the
 * presenting client at the given time and signed {@code iat}; when it was, and still did not rotate, another
 * rotation of the same token committed while this one waited for the session lock: a reuse.
 */
public record RefreshAttempt(RefreshTokenState token, boolean rotated) {}
