package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import org.junit.jupiter.api.Test;

class WebCookiesTest {
    @Test
    void sessionWhenPlainHttpThenHttpOnlyLaxRootPathWithoutSecure() {
        Cookie cookie = new WebCookies(false).session("value");

        assertEquals("demo-session", cookie.getName());
        assertTrue(cookie.isHttpOnly());
        assertEquals(CookieSameSite.LAX, cookie.getSameSite());
        assertEquals("/", cookie.getPath());
        assertFalse(cookie.isSecure());
        assertEquals(SessionStore.MAX_AGE.toSeconds(), cookie.getMaxAge());
        assertEquals(
                "demo-session=value; Max-Age=86400; Path=/; HTTPOnly; SameSite=Lax",
                cookie.encode().replaceAll("; Expires=[^;]*", ""));
    }

    @Test
    void sessionWhenHttpsThenSecure() {
        Cookie cookie = new WebCookies(true).session("value");

        assertTrue(cookie.isSecure());
        assertTrue(cookie.encode().contains("; Secure"));
    }

    @Test
    void preLoginWhenSetThenSameFlagsAndLivesAsLongAsASignInUnderWay() {
        Cookie cookie = new WebCookies(true).preLogin("key");

        assertEquals("demo-login", cookie.getName());
        assertTrue(cookie.isHttpOnly());
        assertTrue(cookie.isSecure());
        assertEquals(CookieSameSite.LAX, cookie.getSameSite());
        assertEquals("/", cookie.getPath());
        assertEquals(PendingLogins.TIME_TO_LIVE.toSeconds(), cookie.getMaxAge());
    }

    @Test
    void expiredWhenSetThenTheBrowserForgetsTheCookieOnTheSamePath() {
        Cookie cookie = new WebCookies(false).expired(WebCookies.SESSION);

        assertEquals("", cookie.getValue());
        assertEquals(0, cookie.getMaxAge());
        assertEquals("/", cookie.getPath());
    }

    @Test
    void secureCookiesWhenBaseUrlIsHttpsThenTrue() {
        assertTrue(settings("https://notes.example.com").secureCookies());
        assertFalse(settings("http://localhost:8082").secureCookies());
    }

    static WebAppSettings settings(String baseUrl) {
        return new WebAppSettings(
                "demo-web",
                "secret",
                baseUrl,
                "http://localhost:8080",
                java.util.List.of(java.net.URI.create("http://localhost:8080")),
                io.latchkey.common.tls.ClientTls.defaults());
    }
}
