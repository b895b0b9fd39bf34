package io.latchkey.demo.web;

import io.vertx.core.Future;

/**
 * How the app ends the user's session at the authorization server; the result is where the browser goes next. Today
 * that is {@link BearerLogout} ({@code POST /logout} on the back channel, then the app's home page). RP-Initiated
 * Logout 1.0 fits the same shape: an implementation that returns the issuer's {@code /oauth2/end-session} URL (with
 * {@code id_token_hint}, {@code post_logout_redirect_uri} and {@code state}) sends the browser there instead.
 */
public interface SignOut {
    /** Ends the session the tokens belong to; fails with {@link AuthServer.Unavailable} when that did not happen. */
    Future<String> signOut(Tokens tokens);
}
