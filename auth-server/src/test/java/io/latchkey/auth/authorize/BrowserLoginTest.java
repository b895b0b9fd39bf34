package io.latchkey.auth.authorize;

import static io.latchkey.auth.test.AccessTokens.claims;
import static io.latchkey.auth.test.TestBrowser.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.Pkce;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestBrowser;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The authorization code flow walked over real HTTP, as a browser and a client would, against real PostgreSQL and
 * real key-service signatures: the login page, codes, single sign-on, consent, and the errors each step names.
 */
class BrowserLoginTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String WEB = "web";
    static final String WEB_CALLBACK = "https://web.example/callback";
    static final String THIRD = "third";
    static final String THIRD_CALLBACK = "https://third.example/cb?x=1";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static TestAuthServer auth;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        auth = stack.auth();
        pool = db.pool(vertx);
        TestClients.publicClient(WEB)
                .browser(WEB_CALLBACK)
                .firstParty()
                .name("Web")
                .insert(pool);
        TestClients.confidential(THIRD)
                .browser(THIRD_CALLBACK, "https://third.example/other")
                .name("<script>alert(1)</script>")
                .insert(pool);
        TestClients.publicClient("pw").insert(pool);
        for (String user : new String[] {"alice", "bob", "carol", "dan", "erin", "frank", "gina", "hank"}) {
            TestUsers.insert(pool, user, user + "-password-1");
        }
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void signInThroughTheLoginPageThenCodeGivesTokensCarryingTheBrowserSession() {
        TestBrowser browser = browser();
        Pkce pkce = Pkce.create();

        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(WEB, null, pkce, "st-1", ""));
        assertEquals(303, authorize.statusCode());
        String loginPath = authorize.getHeader("Location");
        assertTrue(loginPath.startsWith("/login/"), loginPath);
        assertTrue(browser.cookies().containsKey("latchkey-browser"));
        String binding = authorize.headers().getAll("Set-Cookie").get(0).toLowerCase(java.util.Locale.ROOT);
        assertTrue(binding.contains("; httponly"), binding);
        assertTrue(binding.contains("; samesite=lax"), binding);
        assertTrue(binding.contains("; path=/"), binding);
        assertFalse(binding.contains("; secure"), "plain-HTTP loopback issuer: " + binding);

        HttpResponse<Buffer> page = browser.get(loginPath);
        assertEquals(200, page.statusCode());
        assertPageHeaders(page);
        assertTrue(page.bodyAsString().contains("autocomplete=\"username\""));
        assertTrue(page.bodyAsString().contains("autocomplete=\"current-password\""));
        assertTrue(page.bodyAsString().contains("Web"));

        HttpResponse<Buffer> wrong =
                browser.post(loginPath, "csrf", TestBrowser.csrf(page), "username", "alice", "password", "not-it");
        assertEquals(400, wrong.statusCode());
        assertTrue(wrong.bodyAsString().contains("The username or password is incorrect."));
        assertFalse(browser.cookies().containsKey("latchkey-session"));

        HttpResponse<Buffer> done = browser.post(
                loginPath, "csrf", TestBrowser.csrf(wrong), "username", "alice", "password", "alice-password-1");
        assertEquals(303, done.statusCode(), done.bodyAsString());
        assertTrue(done.getHeader("Location").startsWith(WEB_CALLBACK + "?code="), done.getHeader("Location"));
        MultiMap answer = TestBrowser.query(done);
        assertEquals("st-1", answer.get("state"));
        assertEquals(TestAuthServer.ISSUER, answer.get("iss"));
        assertTrue(browser.cookies().containsKey("latchkey-session"));

        HttpResponse<Buffer> token = exchange(WEB, null, answer.get("code"), pkce.verifier(), null);
        assertEquals(200, token.statusCode(), token.bodyAsString());
        JsonObject tokens = token.bodyAsJsonObject();
        assertEquals("Bearer", tokens.getString("token_type"));
        assertNotNull(tokens.getString("refresh_token"));
        assertEquals("no-store", token.getHeader("Cache-Control"));
        JsonObject claims = claims(tokens.getString("access_token"));
        assertEquals(WEB, claims.getString("client_id"));
        String sid = claims.getString("sid");
        assertEquals(
                sid,
                Sql.string(
                        pool,
                        "SELECT id::text FROM sessions WHERE browser_token_hash IS NOT NULL"
                                + " AND user_id = (SELECT id FROM users WHERE username = 'alice')"));

        HttpResponse<Buffer> refreshed = auth.token(
                null,
                "grant_type=refresh_token&client_id=" + WEB + "&refresh_token=" + tokens.getString("refresh_token"));
        assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
        assertEquals(
                sid,
                claims(refreshed.bodyAsJsonObject().getString("access_token")).getString("sid"));
    }

    @Test
    void signedInBrowserGetsACodeForAnotherClientWithoutThePasswordAfterConsentOnce() {
        TestBrowser browser = browser();
        String firstSid = signIn(browser, "bob");

        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(THIRD, THIRD_CALLBACK, pkce, "s2", ""));
        assertEquals(303, authorize.statusCode());
        String consentPath = authorize.getHeader("Location");
        assertTrue(consentPath.startsWith("/consent/"), consentPath);
        HttpResponse<Buffer> consent = browser.get(consentPath);
        assertEquals(200, consent.statusCode());
        assertPageHeaders(consent);
        String html = consent.bodyAsString();
        assertFalse(html.contains("<script>"), "the client name is escaped");
        assertTrue(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assertTrue(html.contains("notes:read"));

        HttpResponse<Buffer> allowed =
                browser.post(consentPath, "csrf", TestBrowser.csrf(consent), "decision", "allow");
        assertEquals(303, allowed.statusCode());
        assertTrue(allowed.getHeader("Location").startsWith(THIRD_CALLBACK + "&code="), allowed.getHeader("Location"));
        HttpResponse<Buffer> token = exchange(
                THIRD,
                TestClients.secretOf(THIRD),
                TestBrowser.query(allowed).get("code"),
                pkce.verifier(),
                THIRD_CALLBACK);
        assertEquals(200, token.statusCode(), token.bodyAsString());
        assertEquals(
                firstSid,
                claims(token.bodyAsJsonObject().getString("access_token")).getString("sid"));

        Pkce again = Pkce.create();
        HttpResponse<Buffer> remembered = browser.get(authorizeUrl(THIRD, THIRD_CALLBACK, again, "s3", ""));
        assertEquals(303, remembered.statusCode());
        assertTrue(remembered.getHeader("Location").startsWith(THIRD_CALLBACK + "&code="), "consent remembered");
    }

    @Test
    void consentDeniedGoesBackWithAccessDenied() {
        TestBrowser browser = browser();
        signIn(browser, "carol");
        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(THIRD, THIRD_CALLBACK, Pkce.create(), "deny-me", ""));
        HttpResponse<Buffer> consent = browser.get(authorize.getHeader("Location"));
        HttpResponse<Buffer> denied =
                browser.post(authorize.getHeader("Location"), "csrf", TestBrowser.csrf(consent), "decision", "deny");
        assertEquals(303, denied.statusCode());
        MultiMap answer = TestBrowser.query(denied);
        assertEquals("access_denied", answer.get("error"));
        assertEquals("deny-me", answer.get("state"));
        assertEquals(TestAuthServer.ISSUER, answer.get("iss"));
        assertNull(answer.get("code"));
    }

    @Test
    void promptNoneWithoutSessionRedirectsLoginRequiredAndPromptLoginAsksAgain() {
        TestBrowser fresh = browser();
        HttpResponse<Buffer> none = fresh.get(authorizeUrl(WEB, null, Pkce.create(), "n", "&prompt=none"));
        assertEquals(303, none.statusCode());
        assertEquals("login_required", TestBrowser.query(none).get("error"));
        assertEquals("n", TestBrowser.query(none).get("state"));

        TestBrowser signedIn = browser();
        signIn(signedIn, "dan");
        HttpResponse<Buffer> silent = signedIn.get(authorizeUrl(WEB, null, Pkce.create(), "n2", "&prompt=none"));
        assertTrue(silent.getHeader("Location").startsWith(WEB_CALLBACK + "?code="));
        HttpResponse<Buffer> forced = signedIn.get(authorizeUrl(WEB, null, Pkce.create(), "n3", "&prompt=login"));
        assertTrue(forced.getHeader("Location").startsWith("/login/"), "prompt=login shows the form");
        HttpResponse<Buffer> page = signedIn.get(forced.getHeader("Location"));
        assertEquals(200, page.statusCode(), "reloading the page keeps asking until the user signs in here");
    }

    @Test
    void authorizeRequestErrorsRedirectWithErrorStateAndIss() {
        assertRedirectError("&code_challenge_method=S256", null, "invalid_request"); // no challenge
        assertRedirectError(
                "&code_challenge=" + Pkce.create().challenge() + "&code_challenge_method=plain",
                null,
                "invalid_request");
        assertRedirectError("&code_challenge=" + Pkce.create().challenge(), null, "invalid_request"); // no method
        assertRedirectError(pkceParams(Pkce.create()), "token", "unsupported_response_type");
        assertRedirectError(pkceParams(Pkce.create()) + "&scope=admin", "code", "invalid_scope");
        assertRedirectError(pkceParams(Pkce.create()) + "&prompt=none%20login", "code", "invalid_request");
        assertRedirectError(pkceParams(Pkce.create()) + "&max_age=soon", "code", "invalid_request");
    }

    @Test
    void unknownClientOrUnregisteredRedirectGetsAPageNeverARedirect() {
        TestBrowser browser = browser();
        String pkce = pkceParams(Pkce.create());
        for (String query : new String[] {
            "response_type=code&client_id=nobody&redirect_uri=" + encode(WEB_CALLBACK) + pkce,
            "response_type=code&client_id=" + WEB + "&redirect_uri=" + encode("https://evil.example/cb") + pkce,
            "response_type=code&client_id=" + WEB + "&redirect_uri=" + encode(WEB_CALLBACK + "/x") + pkce,
            "response_type=code&client_id=" + THIRD + pkce, // two registered, none named
            "response_type=code&redirect_uri=" + encode(WEB_CALLBACK) + pkce,
            "response_type=code&client_id=" + WEB + "&client_id=" + WEB + pkce,
            "response_type=code&client_id=pw&redirect_uri=" + encode(WEB_CALLBACK) + pkce, // no redirect URIs at all
        }) {
            HttpResponse<Buffer> response = browser.get("/oauth2/authorize?" + query);
            assertEquals(400, response.statusCode(), query);
            assertNull(response.getHeader("Location"), query);
            assertTrue(response.getHeader("Content-Type").startsWith("text/html"), query);
            assertPageHeaders(response);
        }
    }

    @Test
    void loginHintAndStateWithScriptAreEscapedOrEchoedVerbatim() {
        TestBrowser browser = browser();
        String hint = "\"><script>alert(1)</script>";
        String state = "<script>x</script> & \"quotes\"";
        HttpResponse<Buffer> authorize =
                browser.get(authorizeUrl(WEB, null, Pkce.create(), state, "&login_hint=" + encode(hint)));
        HttpResponse<Buffer> page = browser.get(authorize.getHeader("Location"));
        assertFalse(page.bodyAsString().contains("<script>"));
        assertTrue(page.bodyAsString().contains("&quot;&gt;&lt;script&gt;"));

        HttpResponse<Buffer> none = browser().get(authorizeUrl(WEB, null, Pkce.create(), state, "&prompt=none"));
        assertEquals(state, TestBrowser.query(none).get("state"));
    }

    @Test
    void loginPostWithoutCsrfOrFromAnotherBrowserIsRefusedBeforeThePasswordAndNotCounted() {
        TestBrowser browser = browser();
        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(WEB, null, Pkce.create(), "c", ""));
        String loginPath = authorize.getHeader("Location");
        HttpResponse<Buffer> page = browser.get(loginPath);

        HttpResponse<Buffer> noCsrf = browser.post(loginPath, "username", "erin", "password", "erin-password-1");
        assertEquals(403, noCsrf.statusCode());
        HttpResponse<Buffer> badCsrf =
                browser.post(loginPath, "csrf", "x" + TestBrowser.csrf(page), "username", "erin", "password", "nope");
        assertEquals(403, badCsrf.statusCode());

        TestBrowser other = browser();
        HttpResponse<Buffer> stolen = other.post(
                loginPath, "csrf", TestBrowser.csrf(page), "username", "erin", "password", "erin-password-1");
        assertEquals(403, stolen.statusCode());
        assertFalse(other.cookies().containsKey("latchkey-session"));
        assertEquals(403, other.get(loginPath).statusCode());

        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'login_failed'"
                                + " AND detail->>'reason' IS NOT NULL AND client_id = $1 AND occurred_at > now() - interval '1 minute'"
                                + " AND user_id = (SELECT id FROM users WHERE username = 'erin')",
                        WEB));
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE user_id ="
                                + " (SELECT id FROM users WHERE username = 'erin')"));
    }

    @Test
    void expiredInteractionReturnsToTheClientWithAnError() {
        TestBrowser browser = browser();
        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(WEB, null, Pkce.create(), "late", ""));
        String loginPath = authorize.getHeader("Location");
        HttpResponse<Buffer> page = browser.get(loginPath);
        Sql.rows(
                pool,
                "UPDATE interactions SET expires_at = now() - interval '1 second' WHERE id = $1",
                loginPath.substring("/login/".length()));

        HttpResponse<Buffer> late = browser.post(
                loginPath, "csrf", TestBrowser.csrf(page), "username", "erin", "password", "erin-password-1");
        assertEquals(303, late.statusCode());
        MultiMap answer = TestBrowser.query(late);
        assertEquals("access_denied", answer.get("error"));
        assertEquals("late", answer.get("state"));
        assertEquals(TestAuthServer.ISSUER, answer.get("iss"));
    }

    @Test
    void codeIsBoundToClientRedirectUriAndVerifierAndABadAttemptChangesNothing() {
        TestBrowser browser = browser();
        signIn(browser, "frank");
        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(WEB, WEB_CALLBACK, pkce, "b", ""));
        String code = TestBrowser.query(authorize).get("code");

        assertInvalidGrant(exchange(WEB, null, code, Pkce.create().verifier(), WEB_CALLBACK)); // wrong verifier
        assertInvalidGrant(exchange(WEB, null, code, pkce.verifier(), null)); // redirect_uri was in the request
        assertInvalidGrant(exchange(WEB, null, code, pkce.verifier(), WEB_CALLBACK + "x"));
        assertInvalidGrant(exchange(THIRD, TestClients.secretOf(THIRD), code, pkce.verifier(), WEB_CALLBACK));
        HttpResponse<Buffer> noVerifier = auth.token(
                null,
                "grant_type=authorization_code&client_id=" + WEB + "&code=" + code + "&redirect_uri="
                        + encode(WEB_CALLBACK));
        assertEquals(400, noVerifier.statusCode());
        assertEquals("invalid_request", noVerifier.bodyAsJsonObject().getString("error"));

        HttpResponse<Buffer> good = exchange(WEB, null, code, pkce.verifier(), WEB_CALLBACK);
        assertEquals(200, good.statusCode(), good.bodyAsString());
    }

    @Test
    void replayedCodeIsRefusedAndEndsTheSessionItIssuedIn() {
        TestBrowser browser = browser();
        signIn(browser, "gina");
        Pkce pkce = Pkce.create();
        String code = TestBrowser.query(browser.get(authorizeUrl(WEB, null, pkce, "r", "")))
                .get("code");
        HttpResponse<Buffer> first = exchange(WEB, null, code, pkce.verifier(), null);
        assertEquals(200, first.statusCode());
        String sid = claims(first.bodyAsJsonObject().getString("access_token")).getString("sid");

        assertInvalidGrant(exchange(WEB, null, code, pkce.verifier(), null));

        assertEquals("code_replay", Sql.string(pool, "SELECT end_reason FROM sessions WHERE id = $1::uuid", sid));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM revocations WHERE type = 'sid' AND value = $1", sid));
        assertInvalidGrant(auth.token(
                null,
                "grant_type=refresh_token&client_id=" + WEB + "&refresh_token="
                        + first.bodyAsJsonObject().getString("refresh_token")));
        HttpResponse<Buffer> again = browser.get(authorizeUrl(WEB, null, Pkce.create(), "r2", ""));
        assertTrue(again.getHeader("Location").startsWith("/login/"), "the browser session ended with it");
    }

    @Test
    void expiredCodeIsRefused() {
        TestBrowser browser = browser();
        signIn(browser, "hank");
        Pkce pkce = Pkce.create();
        String code = TestBrowser.query(browser.get(authorizeUrl(WEB, null, pkce, "e", "")))
                .get("code");
        Sql.rows(
                pool,
                "UPDATE authorization_codes SET expires_at = now() - interval '1 second'"
                        + " WHERE used_at IS NULL AND created_at > now() - interval '1 minute'");
        assertInvalidGrant(exchange(WEB, null, code, pkce.verifier(), null));
    }

    @Test
    void postAuthorizeIsSentOnAsTheSameGet() {
        TestBrowser browser = browser();
        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> post = browser.post(
                "/oauth2/authorize",
                "response_type",
                "code",
                "client_id",
                WEB,
                "state",
                "p s",
                "code_challenge",
                pkce.challenge(),
                "code_challenge_method",
                "S256");
        assertEquals(303, post.statusCode());
        String location = post.getHeader("Location");
        assertTrue(location.startsWith("/oauth2/authorize?response_type=code&client_id=web&state=p+s"), location);
        assertTrue(browser.get(location).getHeader("Location").startsWith("/login/"));
    }

    /** Signs {@code user} in through the web client and returns the browser session's {@code sid}. */
    private static String signIn(TestBrowser browser, String user) {
        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> authorize = browser.get(authorizeUrl(WEB, null, pkce, "x", ""));
        String loginPath = authorize.getHeader("Location");
        HttpResponse<Buffer> page = browser.get(loginPath);
        HttpResponse<Buffer> done = browser.post(
                loginPath, "csrf", TestBrowser.csrf(page), "username", user, "password", user + "-password-1");
        assertEquals(303, done.statusCode(), done.bodyAsString());
        HttpResponse<Buffer> token = exchange(WEB, null, TestBrowser.query(done).get("code"), pkce.verifier(), null);
        assertEquals(200, token.statusCode(), token.bodyAsString());
        return claims(token.bodyAsJsonObject().getString("access_token")).getString("sid");
    }

    private static void assertRedirectError(String extra, String responseType, String error) {
        String query = "client_id=" + WEB + "&state=s%20t"
                + (responseType == null ? "" : "&response_type=" + responseType) + extra;
        HttpResponse<Buffer> response = browser().get("/oauth2/authorize?" + query);
        assertEquals(303, response.statusCode(), query);
        assertTrue(response.getHeader("Location").startsWith(WEB_CALLBACK + "?error="), response.getHeader("Location"));
        MultiMap answer = TestBrowser.query(response);
        assertEquals(error, answer.get("error"), query);
        assertEquals("s t", answer.get("state"));
        assertEquals(TestAuthServer.ISSUER, answer.get("iss"));
        assertNull(answer.get("code"));
    }

    private static void assertInvalidGrant(HttpResponse<Buffer> response) {
        assertEquals(400, response.statusCode(), response.bodyAsString());
        assertEquals("invalid_grant", response.bodyAsJsonObject().getString("error"));
    }

    private static void assertPageHeaders(HttpResponse<Buffer> page) {
        String csp = page.getHeader("Content-Security-Policy");
        assertNotNull(csp);
        assertTrue(csp.contains("frame-ancestors 'none'"), csp);
        assertTrue(csp.contains("default-src 'none'"), csp);
        assertEquals("DENY", page.getHeader("X-Frame-Options"));
        assertEquals("no-referrer", page.getHeader("Referrer-Policy"));
        assertEquals("no-store", page.getHeader("Cache-Control"));
        assertNull(page.getHeader("Access-Control-Allow-Origin"));
    }

    static String pkceParams(Pkce pkce) {
        return "&code_challenge=" + pkce.challenge() + "&code_challenge_method=S256";
    }

    static String authorizeUrl(String clientId, String redirectUri, Pkce pkce, String state, String extra) {
        return "/oauth2/authorize?response_type=code&client_id=" + clientId
                + (redirectUri == null ? "" : "&redirect_uri=" + encode(redirectUri))
                + "&scope=" + encode("notes:read") + "&state=" + encode(state) + pkceParams(pkce) + extra;
    }

    static HttpResponse<Buffer> exchange(
            String clientId, String secret, String code, String verifier, String redirectUri) {
        String form = "grant_type=authorization_code&code=" + encode(code) + "&code_verifier=" + verifier
                + (redirectUri == null ? "" : "&redirect_uri=" + encode(redirectUri));
        return secret == null
                ? auth.token(null, form + "&client_id=" + clientId)
                : auth.postForm("/oauth2/token", clientId, secret, form);
    }

    private static TestBrowser browser() {
        return new TestBrowser(auth.client());
    }
}
