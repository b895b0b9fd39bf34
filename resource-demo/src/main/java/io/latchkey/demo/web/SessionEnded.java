package io.latchkey.demo.web;

/**
 * The auth server or the API no longer honours the session's tokens (revoked, signed out elsewhere, refresh token
 * reused or expired): the app drops its session and shows the signed-out page with a note.
 */
public final class SessionEnded extends RuntimeException {
    public SessionEnded(String reason) {
        super(reason, null, false, false);
    }
}
