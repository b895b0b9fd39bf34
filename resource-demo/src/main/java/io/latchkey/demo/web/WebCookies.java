package io.latchkey.demo.web;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;

/**
 * The web app's two cookies, both {@code HttpOnly}, {@code SameSite=Lax} (sent on the top-level redirect back from the
 * sign-in page, never on a cross-site post), {@code Path=/}, and {@code Secure} when browsers reach the app over https:
 * {@link #SESSION} names a signed-in session; {@link #PRE_LOGIN} ties sign-ins under way to the browser that started
 * them and lives as long as they do.
 */
public final class WebCookies {
    public static final String SESSION = "demo-session";
    public static final String PRE_LOGIN = "demo-login";

    private final boolean secure;

    public WebCookies(boolean secure) {
        this.secure = secure;
    }

    /** The session cookie, kept by the browser as long as the session may live. */
    public Cookie session(String value) {
        return base(SESSION, value).setMaxAge(SessionStore.MAX_AGE.toSeconds());
    }

    public Cookie preLogin(String value) {
        return base(PRE_LOGIN, value).setMaxAge(PendingLogins.TIME_TO_LIVE.toSeconds());
    }

    /** A cookie that makes the browser forget {@code name}. */
    public Cookie expired(String name) {
        return base(name, "").setMaxAge(0);
    }

    private Cookie base(String name, String value) {
        return Cookie.cookie(name, value)
                .setPath("/")
                .setHttpOnly(true)
                .setSameSite(CookieSameSite.LAX)
                .setSecure(secure);
    }
}
