package io.latchkey.demo.web;

import io.vertx.core.Future;

/**
 * How the app ends the user's session at the authorization server; the result is where the browser goes next. The
 * app uses {@link RpInitiatedLogout}: the issuer's end-session endpoint, with {@code id_token_hint}, {@code
 * post_logout_redirect_uri} and {@code state}. An implementation that calls the auth server on the back channel
 * instead (auth-server's {@code POST /logout} with the access token) would return the app's home page.
 */
public interface SignOut {
    /** Ends the session the tokens belong to; fails with {@link AuthServer.Unavailable} when that did not happen. */
    Future<String> signOut(Tokens tokens);
}
