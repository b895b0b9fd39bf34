package io.latchkey.auth.oidc;

import static io.latchkey.auth.test.AccessTokens.claims;
import static io.latchkey.auth.test.TestBrowser.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.Pkce;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestBrowser;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenID Connect over real HTTP with real key-service signatures, checked with Nimbus: ID tokens, userinfo,
 * RP-initiated logout.
 */
class OpenIdConnectTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String RP = "rp";
    static final String CALLBACK = "https://rp.example/callback";
    static final String AFTER_LOGOUT = "https://rp.example/signed-out";

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
        TestClients.publicClient(RP)
                .browser(CALLBACK)
                .postLogout(AFTER_LOGOUT)
                .firstParty()
                .scopes("openid", "profile", "email", "notes:read")
                .insert(pool);
        for (String user : new String[] {"olga", "pat", "quinn", "rita", "sam", "tess"}) {
            TestUsers.insert(pool, user, user + "-password-1");
        }
        Sql.rows(
                pool,
                "UPDATE users SET name = 'Olga Example', email = 'olga@example.com', email_verified = true"
                        + " WHERE username = 'olga'");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void openidScopeGivesAnIdTokenVerifiedByNimbusWithNonceAtHashSidAndProfileClaims() throws Exception {
        TestBrowser browser = browser();
        JsonObject tokens = signIn(browser, "olga", "openid profile email notes:read", "n-0S6_WzA2Mj");
        String idToken = tokens.getString("id_token");
        assertNotNull(idToken, tokens.encode());

        JWTClaimsSet id = AccessTokens.verifyTyped(
                idToken, "JWT", stack.jwksUrl(), RP, Set.of("sub", "exp", "iat", "auth_time", "nonce", "sid"));
        JsonObject access = claims(tokens.getString("access_token"));
        assertEquals(access.getString("sub"), id.getSubject());
        assertEquals(RP, id.getStringClaim("azp"));
        assertEquals("n-0S6_WzA2Mj", id.getStringClaim("nonce"));
        assertEquals(access.getString("sid"), id.getStringClaim("sid"));
        assertEquals(access.getLong("auth_time"), id.getLongClaim("auth_time"));
        assertEquals(atHash(tokens.getString("access_token")), id.getStringClaim("at_hash"));
        assertTrue(id.getExpirationTime().getTime() / 1000 - id.getIssueTime().getTime() / 1000 <= 300);
        assertEquals("Olga Example", id.getStringClaim("name"));
        assertEquals("olga", id.getStringClaim("preferred_username"));
        assertEquals("olga@example.com", id.getStringClaim("email"));
        assertEquals(true, id.getBooleanClaim("email_verified"));

        HttpResponse<Buffer> userinfo = userinfo(tokens.getString("access_token"));
        assertEquals(200, userinfo.statusCode(), userinfo.bodyAsString());
        assertEquals("no-store", userinfo.getHeader("Cache-Control"));
        JsonObject info = userinfo.bodyAsJsonObject();
        assertEquals(id.getSubject(), info.getString("sub"));
        assertEquals("Olga Example", info.getString("name"));
        assertEquals("olga@example.com", info.getString("email"));
    }

    @Test
    void withoutOpenidNoIdTokenAndUserinfoRefusesWithInsufficientScope() {
        JsonObject tokens = signIn(browser(), "pat", "notes:read", null);
        assertNull(tokens.getString("id_token"));
        HttpResponse<Buffer> userinfo = userinfo(tokens.getString("access_token"));
        assertEquals(403, userinfo.statusCode());
        assertTrue(userinfo.getHeader("WWW-Authenticate").contains("error=\"insufficient_scope\""));
    }

    @Test
    void userinfoRefusesMissingMalformedAndRevokedTokensPerRfc6750() {
        HttpResponse<Buffer> none =
                Await.result(auth.client().get("/oauth2/userinfo").send());
        assertEquals(401, none.statusCode());
        assertTrue(none.getHeader("WWW-Authenticate").startsWith("Bearer"));
        HttpResponse<Buffer> junk = userinfo("not.a.token");
        assertEquals(401, junk.statusCode());
        assertTrue(junk.getHeader("WWW-Authenticate").contains("error=\"invalid_token\""));

        JsonObject tokens = signIn(browser(), "quinn", "openid notes:read", null);
        HttpResponse<Buffer> logout = Await.result(auth.client()
                .post("/logout")
                .putHeader("Authorization", "Bearer " + tokens.getString("access_token"))
                .send());
        assertEquals(204, logout.statusCode());
        assertEquals(401, userinfo(tokens.getString("access_token")).statusCode());
    }

    @Test
    void endSessionWithHintEndsTheSessionClearsTheCookieAndReturnsToTheRegisteredUriWithState() {
        TestBrowser browser = browser();
        JsonObject tokens = signIn(browser, "rita", "openid notes:read", null);
        String sid = claims(tokens.getString("access_token")).getString("sid");

        HttpResponse<Buffer> end = browser.get("/oauth2/end-session?id_token_hint=" + tokens.getString("id_token")
                + "&post_logout_redirect_uri=" + encode(AFTER_LOGOUT) + "&state=" + encode("bye now"));
        assertEquals(303, end.statusCode(), end.bodyAsString());
        assertEquals(AFTER_LOGOUT + "?state=bye+now", end.getHeader("Location"));
        assertTrue(end.headers().getAll("Set-Cookie").stream()
                .anyMatch(c ->
                        c.startsWith("latchkey-session=;") && c.toLowerCase().contains("max-age=0")));
        assertEquals("end_session", Sql.string(pool, "SELECT end_reason FROM sessions WHERE id = $1::uuid", sid));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM revocations WHERE type = 'sid' AND value = $1", sid));
        assertEquals(401, userinfo(tokens.getString("access_token")).statusCode());
    }

    @Test
    void endSessionWithoutHintAsksFirstAndOnlyAFormFromThatBrowserEndsIt() {
        TestBrowser browser = browser();
        JsonObject tokens = signIn(browser, "sam", "openid notes:read", null);
        String sid = claims(tokens.getString("access_token")).getString("sid");

        HttpResponse<Buffer> ask = browser.get("/oauth2/end-session?client_id=" + RP + "&post_logout_redirect_uri="
                + encode(AFTER_LOGOUT) + "&state=s1");
        assertEquals(200, ask.statusCode());
        assertTrue(ask.bodyAsString().contains("Sign out?"));
        assertEquals("DENY", ask.getHeader("X-Frame-Options"));
        assertOpen(sid);

        HttpResponse<Buffer> forged = browser.post("/oauth2/end-session", "confirm", "yes", "csrf", "forged");
        assertEquals(403, forged.statusCode());
        assertOpen(sid);

        HttpResponse<Buffer> confirmed = browser.post(
                "/oauth2/end-session",
                "confirm",
                "yes",
                "csrf",
                TestBrowser.csrf(ask),
                "client_id",
                RP,
                "post_logout_redirect_uri",
                AFTER_LOGOUT,
                "state",
                "s1");
        assertEquals(303, confirmed.statusCode(), confirmed.bodyAsString());
        assertEquals(AFTER_LOGOUT + "?state=s1", confirmed.getHeader("Location"));
        assertEquals("end_session", Sql.string(pool, "SELECT end_reason FROM sessions WHERE id = $1::uuid", sid));
    }

    @Test
    void unregisteredPostLogoutRedirectUriGetsAPageAndEndsNothing() {
        TestBrowser browser = browser();
        JsonObject tokens = signIn(browser, "tess", "openid notes:read", null);
        String sid = claims(tokens.getString("access_token")).getString("sid");
        for (String uri : new String[] {"https://evil.example/", AFTER_LOGOUT + "/x", "https://rp.example/callback"}) {
            HttpResponse<Buffer> end = browser.get("/oauth2/end-session?id_token_hint=" + tokens.getString("id_token")
                    + "&post_logout_redirect_uri=" + encode(uri));
            assertEquals(400, end.statusCode(), uri);
            assertNull(end.getHeader("Location"));
            assertFalse(end.bodyAsString().contains("evil.example"));
            assertOpen(sid);
        }
    }

    private static void assertOpen(String sid) {
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM sessions WHERE id = $1::uuid AND ended_at IS NULL", sid));
    }

    /** Signs {@code user} in through the page and exchanges the code: the token response. */
    static JsonObject signIn(TestBrowser browser, String user, String scope, String nonce) {
        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> authorize = browser.get("/oauth2/authorize?response_type=code&client_id=" + RP
                + "&scope=" + encode(scope) + "&state=x&code_challenge=" + pkce.challenge()
                + "&code_challenge_method=S256" + (nonce == null ? "" : "&nonce=" + encode(nonce)));
        assertEquals(303, authorize.statusCode(), authorize.bodyAsString());
        String loginPath = authorize.getHeader("Location");
        HttpResponse<Buffer> page = browser.get(loginPath);
        HttpResponse<Buffer> done = browser.post(
                loginPath, "csrf", TestBrowser.csrf(page), "username", user, "password", user + "-password-1");
        assertEquals(303, done.statusCode(), done.bodyAsString());
        String code = TestBrowser.query(done).get("code");
        HttpResponse<Buffer> token = auth.token(
                null,
                "grant_type=authorization_code&client_id=" + RP + "&code=" + encode(code) + "&code_verifier="
                        + pkce.verifier());
        assertEquals(200, token.statusCode(), token.bodyAsString());
        return token.bodyAsJsonObject();
    }

    private static HttpResponse<Buffer> userinfo(String accessToken) {
        return Await.result(auth.client()
                .get("/oauth2/userinfo")
                .putHeader("Authorization", "Bearer " + accessToken)
                .send());
    }

    private static String atHash(String accessToken) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }

    private static TestBrowser browser() {
        return new TestBrowser(auth.client());
    }
}
