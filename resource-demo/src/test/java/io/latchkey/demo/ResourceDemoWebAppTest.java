package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.demo.web.Pkce;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notes web app over real HTTP, signing in against a stand-in auth-server that plays the contract's token
 * endpoint, OpenID metadata and back-channel logouts (and, as the test's browser, the authorize and end-session
 * steps), with real RS256 access, ID and logout tokens: the demo's own API verifies the first, the web app the others
 * against the same JWKS. The end-to-end test against the real auth-server lives in {@code stack}.
 */
@ExtendWith(VertxExtension.class)
class ResourceDemoWebAppTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final String WEB_SECRET = "web-secret-for-tests-only-0123456789";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static final String NAME = "Alice Example";
    private static final Map<String, Grant> codes = new ConcurrentHashMap<>();
    private static final Map<String, Grant> refreshTokens = new ConcurrentHashMap<>(); // live -> its grant
    private static final List<String> idTokens = new CopyOnWriteArrayList<>();
    private static final Set<String> usedRefreshTokens = ConcurrentHashMap.newKeySet();
    private static final List<String> accessTokens = new CopyOnWriteArrayList<>();
    private static final List<String> logouts = new CopyOnWriteArrayList<>();
    private static final AtomicInteger refreshes = new AtomicInteger();
    private static final AtomicInteger reuses = new AtomicInteger();
    private static volatile long expiresIn = 300;

    private static FakeUpstream upstream;
    private static String base;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, KEY).alsoServing(ResourceDemoWebAppTest::authServerEndpoints);
        Await.result(vertx.deployVerticle(upstream));
        int port = ServiceProcess.freePort();
        base = "http://127.0.0.1:" + port;
        ResourceDemoConfig config = ResourceDemoConfig.from(new Env(Map.of(
                "LATCHKEY_HOST",
                "127.0.0.1",
                "LATCHKEY_PORT",
                Integer.toString(port),
                "LATCHKEY_ISSUER",
                upstream.issuer(),
                "LATCHKEY_FEED_CLIENT_ID",
                FakeUpstream.FEED_CLIENT_ID,
                "LATCHKEY_FEED_CLIENT_SECRET",
                FakeUpstream.FEED_CLIENT_SECRET,
                "LATCHKEY_WEB_CLIENT_SECRET",
                WEB_SECRET,
                "LATCHKEY_WEB_BASE_URL",
                base)));
        Await.result(vertx.deployVerticle(new ResourceDemoVerticle(config)));
        client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false));
        Await.untilEquals("ready", Duration.ofSeconds(10), 200, () -> Await.result(
                        client.getAbs(base + "/health/ready").send())
                .statusCode());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    @BeforeEach
    void reset() {
        expiresIn = 300;
    }

    // ---- the stand-in auth-server: token endpoint (code with PKCE, rotating refresh), metadata, logout ----

    /**
     * What a code was issued for: the PKCE challenge, the user and their auth-server session, the authorization
     * request's nonce, and how this test bends the ID token the code's redemption returns.
     */
    record Grant(String challenge, String subject, String sid, String nonce, UnaryOperator<TestTokens> idToken) {}

    private static void authServerEndpoints(Router router) {
        router.post("/oauth2/token").handler(BodyHandler.create()).handler(ResourceDemoWebAppTest::token);
        router.get("/.well-known/openid-configuration")
                .handler(ctx -> ctx.json(new JsonObject()
                        .put("issuer", upstream.issuer())
                        .put("end_session_endpoint", upstream.issuer() + "/oauth2/end-session")));
        // The bearer logout the app used before RP-initiated logout; nothing should call it now.
        router.post("/logout").handler(ctx -> {
            logouts.add(ctx.request().getHeader("Authorization"));
            ctx.response().setStatusCode(204).end();
        });
    }

    /** OpenID Connect Core §3.1.3.6: the left half of the access token's SHA-256, base64url. */
    static String atHash(String accessToken) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void token(RoutingContext ctx) {
        String expected = "Basic "
                + Base64.getEncoder().encodeToString(("demo-web:" + WEB_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ctx.request().getHeader("Authorization"))) {
            oauthError(ctx, 401, "invalid_client");
            return;
        }
        MultiMap form = ctx.request().formAttributes();
        Grant grant;
        boolean withIdToken = false;
        switch (form.get("grant_type")) {
            case "authorization_code" -> {
                grant = codes.remove(form.get("code"));
                if (grant == null
                        || !grant.challenge().equals(Pkce.challengeOf(form.get("code_verifier")))
                        || !(base + "/callback").equals(form.get("redirect_uri"))) {
                    oauthError(ctx, 400, "invalid_grant");
                    return;
                }
                withIdToken = true;
            }
            case "refresh_token" -> {
                String presented = form.get("refresh_token");
                if (!usedRefreshTokens.add(presented)) {
                    reuses.incrementAndGet();
                    oauthError(ctx, 400, "invalid_grant");
                    return;
                }
                grant = refreshTokens.remove(presented);
                if (grant == null) {
                    oauthError(ctx, 400, "invalid_grant");
                    return;
                }
                refreshes.incrementAndGet();
            }
            default -> {
                oauthError(ctx, 400, "unsupported_grant_type");
                return;
            }
        }
        String accessToken = TestTokens.valid(KEY, upstream.issuer())
                .claim("sub", grant.subject())
                .claim("sid", grant.sid())
                .claim("client_id", "demo-web")
                .scope("openid profile email notes:read notes:write")
                .expiresIn(expiresIn)
                .sign();
        accessTokens.add(accessToken);
        String refreshToken = UUID.randomUUID().toString();
        refreshTokens.put(refreshToken, grant);
        JsonObject response = new JsonObject()
                .put("access_token", accessToken)
                .put("token_type", "Bearer")
                .put("expires_in", expiresIn)
                .put("scope", "openid profile email notes:read notes:write")
                .put("refresh_token", refreshToken);
        if (withIdToken) {
            // As auth-server issues it: only with the code's redemption, never with a refresh.
            String idToken = grant.idToken()
                    .apply(TestTokens.idToken(KEY, upstream.issuer(), "demo-web")
                            .claim("sub", grant.subject())
                            .claim("sid", grant.sid())
                            .claim("nonce", grant.nonce())
                            .claim("at_hash", atHash(accessToken))
                            .claim("name", NAME)
                            .claim("preferred_username", "alice")
                            .claim("email", "alice@example.com")
                            .claim("email_verified", true))
                    .sign();
            idTokens.add(idToken);
            response.put("id_token", idToken);
        }
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(response.encode());
    }

    private static void oauthError(RoutingContext ctx, int status, String error) {
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .end(new JsonObject().put("error", error).encode());
    }

    // ---- the browser ----

    /** A browser's cookie jar, just enough for these two cookies. */
    static final class Browser {
        final Map<String, String> cookies = new HashMap<>();
        /** Each browser signs in as a user of its own: the notes are kept per user for the whole class. */
        final String subject = "user-" + UUID.randomUUID();
        /** And in an auth-server session of its own. */
        final String sid = UUID.randomUUID().toString();

        HttpResponse<Buffer> get(String pathAndQuery) {
            return remember(Await.result(client.getAbs(base + pathAndQuery)
                    .putHeader("Cookie", cookieHeader())
                    .send()));
        }

        Future<HttpResponse<Buffer>> getAsync(String path) {
            return client.getAbs(base + path)
                    .putHeader("Cookie", cookieHeader())
                    .send();
        }

        HttpResponse<Buffer> post(String path, MultiMap form) {
            return remember(Await.result(client.postAbs(base + path)
                    .putHeader("Cookie", cookieHeader())
                    .putHeader("Origin", base)
                    .sendForm(form)));
        }

        private String cookieHeader() {
            List<String> pairs = new ArrayList<>();
            cookies.forEach((name, value) -> pairs.add(name + "=" + value));
            return String.join("; ", pairs);
        }

        private HttpResponse<Buffer> remember(HttpResponse<Buffer> response) {
            for (String set : response.cookies()) {
                String[] pair = set.split(";", 2)[0].split("=", 2);
                if (set.contains("Max-Age=0")) {
                    cookies.remove(pair[0]);
                } else {
                    cookies.put(pair[0], pair[1]);
                }
            }
            return response;
        }

        /** Starts a sign-in; returns the authorization request's parameters. */
        Map<String, String> startSignIn() {
            HttpResponse<Buffer> login = get("/login");
            assertEquals(303, login.statusCode());
            String location = login.getHeader("Location");
            assertTrue(location.startsWith(upstream.issuer() + "/oauth2/authorize?"), location);
            return query(location);
        }

        /** Signs in as the auth-server would let a user: a code for the request's challenge, back to the callback. */
        void signIn() {
            HttpResponse<Buffer> callback = signIn(UnaryOperator.identity());
            assertEquals(303, callback.statusCode(), callback.bodyAsString());
            assertEquals("/", callback.getHeader("Location"));
            assertNotNull(cookies.get("demo-session"));
        }

        /** A sign-in whose ID token {@code idToken} bends; returns the callback's answer. */
        HttpResponse<Buffer> signIn(UnaryOperator<TestTokens> idToken) {
            Map<String, String> request = startSignIn();
            String code = UUID.randomUUID().toString();
            codes.put(code, new Grant(request.get("code_challenge"), subject, sid, request.get("nonce"), idToken));
            return get("/callback?code=" + code + "&state=" + request.get("state") + "&iss=" + upstream.issuer());
        }

        /** Whether {@code page} is the home page of this browser's user, greeted by name. */
        boolean showsSignedIn(String page) {
            return page.contains("Signed in as " + NAME + " (<code>sub</code> " + subject + ")");
        }

        boolean showsSignedIn() {
            return showsSignedIn(get("/").bodyAsString());
        }

        String csrf() {
            Matcher m = CSRF.matcher(get("/").bodyAsString());
            assertTrue(m.find(), "the page carries a CSRF token");
            return m.group(1);
        }
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new HashMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            params.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return params;
    }

    private static String lastAccessToken() {
        return accessTokens.get(accessTokens.size() - 1);
    }

    // ---- the tests ----

    @Test
    void homeWhenSignedOutThenSignInAndTheSecurityHeaders() {
        HttpResponse<Buffer> page = new Browser().get("/");

        assertEquals(200, page.statusCode());
        assertEquals("text/html; charset=utf-8", page.getHeader("Content-Type"));
        assertTrue(page.bodyAsString().contains("<a class=\"button\" href=\"/login\">Sign in</a>"));
        assertEquals(
                "default-src 'none'; style-src 'self'; form-action 'self' " + upstream.issuer()
                        + "; frame-ancestors 'none'; base-uri 'none'",
                page.getHeader("Content-Security-Policy"));
        assertEquals("DENY", page.getHeader("X-Frame-Options"));
        assertEquals("same-origin", page.getHeader("Referrer-Policy"));
        assertEquals("no-store", page.getHeader("Cache-Control"));
    }

    @Test
    void loginWhenStartedThenTheContractsAuthorizationRequestAndAPreLoginCookie() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();

        assertEquals("code", request.get("response_type"));
        assertEquals("demo-web", request.get("client_id"));
        assertEquals(base + "/callback", request.get("redirect_uri"));
        assertEquals("openid profile email notes:read notes:write", request.get("scope"));
        assertEquals("S256", request.get("code_challenge_method"));
        assertNotNull(request.get("state"));
        assertNotNull(request.get("nonce"));
        assertNotNull(request.get("code_challenge"));
        assertTrue(browser.cookies.get("demo-login").matches("[A-Za-z0-9_-]{43}"));
    }

    @Test
    void signInWhenTheCodeFlowCompletesThenTheHomePageShowsTheUserAndAddsNotesThroughTheApi() {
        Browser browser = new Browser();
        browser.signIn();

        String home = browser.get("/").bodyAsString();
        assertTrue(browser.showsSignedIn(home), home);
        assertTrue(home.contains("No notes yet."), home);
        assertTrue(home.contains("<button type=\"submit\">Sign out</button>"));

        HttpResponse<Buffer> added = browser.post(
                "/notes",
                MultiMap.caseInsensitiveMultiMap()
                        .add("text", "<b>buy</b> milk")
                        .add("csrf", browser.csrf()));
        assertEquals(303, added.statusCode());
        assertEquals("/", added.getHeader("Location"));

        String after = browser.get("/").bodyAsString();
        assertTrue(after.contains("<li><p>&lt;b&gt;buy&lt;/b&gt; milk</p>"), after);
        JsonObject api = Await.result(client.getAbs(base + "/api/notes")
                        .bearerTokenAuthentication(lastAccessToken())
                        .send())
                .bodyAsJsonObject();
        assertEquals(
                "<b>buy</b> milk", api.getJsonArray("notes").getJsonObject(0).getString("text"));
    }

    @Test
    void addNoteWhenTheCsrfTokenIsMissingOrWrongThen403AndNothingSaved() {
        Browser browser = new Browser();
        browser.signIn();

        HttpResponse<Buffer> missing =
                browser.post("/notes", MultiMap.caseInsensitiveMultiMap().add("text", "x"));
        HttpResponse<Buffer> wrong = browser.post(
                "/notes", MultiMap.caseInsensitiveMultiMap().add("text", "x").add("csrf", "guess"));

        assertEquals(403, missing.statusCode());
        assertEquals(403, wrong.statusCode());
        assertTrue(wrong.bodyAsString().contains("Back to your notes"));
        assertTrue(browser.get("/").bodyAsString().contains("No notes yet."));
    }

    @Test
    void homeWhenTheAccessTokenIsAboutToExpireThenRefreshedAndTheRotatedTokenUsedNext() {
        expiresIn = 20; // inside the 30 s refresh margin: every use refreshes first
        Browser browser = new Browser();
        browser.signIn();
        int before = refreshes.get();
        int reusesBefore = reuses.get();

        assertTrue(browser.showsSignedIn());
        assertTrue(browser.showsSignedIn());

        assertEquals(before + 2, refreshes.get());
        assertEquals(reusesBefore, reuses.get(), "each refresh presented the rotated token");
    }

    @Test
    void homeWhenPagesLoadTogetherThenRefreshesNeverReuseARefreshToken() {
        expiresIn = 20;
        Browser browser = new Browser();
        browser.signIn();
        int reusesBefore = reuses.get();

        List<Future<HttpResponse<Buffer>>> pages = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            pages.add(browser.getAsync("/"));
        }

        for (Future<HttpResponse<Buffer>> page : pages) {
            HttpResponse<Buffer> response = Await.result(page);
            assertEquals(200, response.statusCode());
            assertTrue(browser.showsSignedIn(response.bodyAsString()), response.bodyAsString());
        }
        assertEquals(reusesBefore, reuses.get());
    }

    @Test
    void homeWhenTheApiRejectsARevokedTokenThenSignedOutWithANote() {
        Browser browser = new Browser();
        browser.signIn();
        String token = lastAccessToken();
        String jti = new JsonObject(
                        new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]), StandardCharsets.UTF_8))
                .getString("jti");

        Await.result(upstream.revoke("jti", jti));
        Await.untilEquals("revocation reaches the verifier", Duration.ofSeconds(10), 401, () -> Await.result(
                        client.getAbs(base + "/api/me")
                                .bearerTokenAuthentication(token)
                                .send())
                .statusCode());

        HttpResponse<Buffer> page = browser.get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.bodyAsString().contains("You have been signed out"), page.bodyAsString());
        assertTrue(page.bodyAsString().contains("href=\"/login\">Sign in</a>"));
        assertFalse(browser.cookies.containsKey("demo-session"), "the session cookie is cleared");
    }

    @Test
    void logoutWhenSignedInThenTheLocalSessionEndsAndTheBrowserGoesToEndSessionWithHintReturnUriAndState() {
        Browser browser = new Browser();
        browser.signIn();
        String idToken = idTokens.get(idTokens.size() - 1);
        String sessionCookie = browser.cookies.get("demo-session");
        String csrf = browser.csrf();
        int bearerLogouts = logouts.size();

        HttpResponse<Buffer> out =
                browser.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));

        assertEquals(303, out.statusCode());
        String location = out.getHeader("Location");
        assertTrue(location.startsWith(upstream.issuer() + "/oauth2/end-session?"), location);
        Map<String, String> request = query(location);
        assertEquals(idToken, request.get("id_token_hint"));
        assertEquals("demo-web", request.get("client_id"));
        assertEquals(base + "/", request.get("post_logout_redirect_uri"));
        assertTrue(request.get("state").matches("[A-Za-z0-9_-]{43}"));
        assertEquals(bearerLogouts, logouts.size(), "nothing is called on the back channel");
        assertFalse(browser.cookies.containsKey("demo-session"));
        browser.cookies.put("demo-session", sessionCookie);
        assertTrue(browser.get("/").bodyAsString().contains(">Sign in</a>"), "the old cookie names no session");

        // auth-server ends its session and sends the browser back to the post-logout redirect URI with the state.
        String back = browser.get("/?state=" + request.get("state")).bodyAsString();
        assertTrue(back.contains("You are signed out, of the notes app and of Latchkey."), back);
        String again = browser.get("/?state=" + request.get("state")).bodyAsString();
        assertTrue(again.contains("was not reached from a sign-out this app started"), again);
        assertTrue(again.contains(">Sign in</a>"));
    }

    @Test
    void logoutWhenTheCsrfTokenIsWrongThenStillSignedIn() {
        Browser browser = new Browser();
        browser.signIn();
        int before = logouts.size();

        assertEquals(
                403,
                browser.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", "nope"))
                        .statusCode());

        assertEquals(before, logouts.size());
        assertTrue(browser.showsSignedIn());
    }

    @Test
    void callbackWhenTheIssuerIsAnotherServerThenRefusedWithAWayToSignInAgain() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();
        String code = UUID.randomUUID().toString();
        codes.put(
                code,
                new Grant(request.get("code_challenge"), browser.subject, browser.sid, request.get("nonce"), t -> t));

        HttpResponse<Buffer> page =
                browser.get("/callback?code=" + code + "&state=" + request.get("state") + "&iss=https://evil.example");

        assertEquals(400, page.statusCode());
        assertTrue(page.bodyAsString().contains("Sign-in refused"));
        assertTrue(page.bodyAsString().contains("href=\"/login\">Sign in again</a>"));
        assertTrue(codes.containsKey(code), "the code was never sent to the token endpoint");
        assertFalse(browser.cookies.containsKey("demo-session"));
    }

    @Test
    void callbackWhenTheStateIsUnknownThenAnExpiredSignInPage() {
        Browser browser = new Browser();
        browser.startSignIn();

        HttpResponse<Buffer> page = browser.get("/callback?code=x&state=forged&iss=" + upstream.issuer());

        assertEquals(400, page.statusCode());
        assertTrue(page.bodyAsString().contains("This sign-in has expired"));
        assertTrue(page.bodyAsString().contains("href=\"/login\">Sign in again</a>"));
    }

    @Test
    void callbackWhenTheSignInPageExpiredThenSignInDidNotFinishWithTheServersWordsAndSignInAgain() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();

        // As auth-server answers a login form submitted after its interaction's 30 minutes.
        HttpResponse<Buffer> page = browser.get("/callback?error=access_denied&error_description="
                + "The+sign-in+page+expired+after+30+minutes%3B+start+again&state=" + request.get("state") + "&iss="
                + upstream.issuer());

        assertEquals(400, page.statusCode());
        String body = page.bodyAsString();
        assertTrue(body.contains("<title>Sign-in did not finish · Latchkey notes</title>"), body);
        assertTrue(body.contains("<h1>Sign-in did not finish</h1>"), body);
        assertTrue(
                body.contains("<p>You are not signed in, and nothing was shared with the notes app.</p>"
                        + "\n<p class=\"notice warning\">The sign-in server said: The sign-in page expired after 30"
                        + " minutes; start again</p>"),
                body);
        assertFalse(body.contains("cancel"), "nobody cancelled anything: " + body);
        assertTrue(body.contains("<a class=\"button\" href=\"/login\">Sign in again</a>"), body);
        assertFalse(browser.cookies.containsKey("demo-session"));
    }

    @Test
    void callbackWhenAccessDeniedThenSignInDidNotFinishWithTheServersWordsEscaped() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();

        HttpResponse<Buffer> page = browser.get("/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E"
                + "&state=" + request.get("state") + "&iss=" + upstream.issuer());

        assertEquals(400, page.statusCode());
        String body = page.bodyAsString();
        assertTrue(body.contains("<h1>Sign-in did not finish</h1>"), body);
        assertTrue(body.contains("The sign-in server said: &lt;b&gt;no&lt;/b&gt;</p>"), body);
        assertTrue(body.contains("href=\"/login\">Sign in again</a>"));

        // Without a description, the error code is all the server said.
        Map<String, String> again = browser.startSignIn();
        String bare = browser.get(
                        "/callback?error=access_denied&state=" + again.get("state") + "&iss=" + upstream.issuer())
                .bodyAsString();
        assertTrue(bare.contains("<h1>Sign-in did not finish</h1>"), bare);
        assertTrue(bare.contains("The sign-in server said: access_denied</p>"), bare);
    }

    @Test
    void callbackWhenTheStateWasUsedAndTheBrowserIsSignedInThenBackHomeStillSignedIn() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();
        String first = UUID.randomUUID().toString();
        codes.put(
                first,
                new Grant(request.get("code_challenge"), browser.subject, browser.sid, request.get("nonce"), t -> t));
        HttpResponse<Buffer> signedIn =
                browser.get("/callback?code=" + first + "&state=" + request.get("state") + "&iss=" + upstream.issuer());
        assertEquals(303, signedIn.statusCode(), signedIn.bodyAsString());
        String session = browser.cookies.get("demo-session");
        assertNotNull(session);

        // The back button: auth-server's login page, its interaction done, sends the browser on with a new code and
        // the state this sign-in already used.
        String second = UUID.randomUUID().toString();
        codes.put(
                second,
                new Grant(request.get("code_challenge"), browser.subject, browser.sid, request.get("nonce"), t -> t));
        HttpResponse<Buffer> back = browser.get(
                "/callback?code=" + second + "&state=" + request.get("state") + "&iss=" + upstream.issuer());

        assertEquals(303, back.statusCode(), back.bodyAsString());
        assertEquals("/", back.getHeader("Location"));
        assertEquals("no-store", back.getHeader("Cache-Control"));
        assertEquals(session, browser.cookies.get("demo-session"), "the same session, not a new one");
        assertTrue(codes.containsKey(second), "the stale code was never sent to the token endpoint");
        assertTrue(browser.showsSignedIn());
        // A state this app never sent goes home just the same, and changes nothing either.
        HttpResponse<Buffer> forged = browser.get("/callback?code=x&state=forged&iss=" + upstream.issuer());
        assertEquals(303, forged.statusCode());
        assertEquals("/", forged.getHeader("Location"));
    }

    @Test
    void callbackWhenTheStateWasUsedAndTheSessionHasEndedThenTheExpiredPage() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();
        String code = UUID.randomUUID().toString();
        codes.put(
                code,
                new Grant(request.get("code_challenge"), browser.subject, browser.sid, request.get("nonce"), t -> t));
        String callback = "/callback?code=" + code + "&state=" + request.get("state") + "&iss=" + upstream.issuer();
        assertEquals(303, browser.get(callback).statusCode());
        assertEquals(200, backChannelLogout(logoutToken(browser).sign()).statusCode());

        HttpResponse<Buffer> page = browser.get(callback);

        assertEquals(400, page.statusCode());
        assertTrue(page.bodyAsString().contains("<h1>This sign-in has expired</h1>"), page.bodyAsString());
        assertTrue(page.bodyAsString().contains("href=\"/login\">Sign in again</a>"));
        assertFalse(browser.cookies.containsKey("demo-session"), "the cookie of the ended session is forgotten");
    }

    // ---- OpenID Connect: the ID token ----

    @Test
    void signInWhenTheIdTokenChecksOutThenTheUserIsGreetedByName() {
        Browser browser = new Browser();
        browser.signIn();

        String home = browser.get("/").bodyAsString();

        assertTrue(home.contains("Signed in as Alice Example"), home);
    }

    @Test
    void signInWhenTheIdTokenCarriesAnotherNonceThenRefusedWithAWayToSignInAgain() {
        assertSignInRefused(idToken -> idToken.claim("nonce", "the-nonce-of-another-sign-in"));
    }

    @Test
    void signInWhenTheIdTokensAtHashIsNotTheAccessTokensThenRefused() {
        assertSignInRefused(idToken -> idToken.claim("at_hash", atHash("another-access-token")));
    }

    @Test
    void signInWhenTheIdTokenIsForAnotherClientThenRefused() {
        assertSignInRefused(idToken -> idToken.audience("demo-app").claim("azp", "demo-app"));
    }

    @Test
    void signInWhenTheIdTokenIsNotSignedByTheIssuerThenRefused() {
        TestKeys stranger = TestKeys.rsa2048();
        assertSignInRefused(idToken -> idToken.header("kid", stranger.kid()));
        assertSignInRefused(idToken -> idToken.header("typ", "at+jwt"));
    }

    private static void assertSignInRefused(UnaryOperator<TestTokens> bend) {
        Browser browser = new Browser();

        HttpResponse<Buffer> page = browser.signIn(bend);

        assertEquals(400, page.statusCode(), page.bodyAsString());
        assertTrue(page.bodyAsString().contains("Sign-in refused"), page.bodyAsString());
        assertTrue(page.bodyAsString().contains("href=\"/login\">Sign in again</a>"));
        assertFalse(browser.cookies.containsKey("demo-session"));
        assertTrue(browser.get("/").bodyAsString().contains(">Sign in</a>"));
    }

    // ---- Back-Channel Logout 1.0 ----

    private static TestTokens logoutToken(Browser browser) {
        return TestTokens.logoutToken(KEY, upstream.issuer(), "demo-web")
                .claim("sid", browser.sid)
                .claim("sub", browser.subject);
    }

    /** As auth-server delivers it: a form post, server to server, no cookie, no CSRF token, no Origin. */
    private static HttpResponse<Buffer> backChannelLogout(String logoutToken) {
        return Await.result(client.postAbs(base + "/backchannel-logout")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", logoutToken)));
    }

    private static void assertInvalidRequest(HttpResponse<Buffer> response) {
        assertEquals(400, response.statusCode(), response.bodyAsString());
        assertEquals("application/json", response.getHeader("Content-Type"));
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertEquals(new JsonObject().put("error", "invalid_request"), response.bodyAsJsonObject());
    }

    @Test
    void backChannelLogoutWhenTheTokenIsValidThen200NoStoreAndTheSessionIsOver() {
        Browser browser = new Browser();
        browser.signIn();
        Browser otherUser = new Browser();
        otherUser.signIn();

        HttpResponse<Buffer> response = backChannelLogout(logoutToken(browser).sign());

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertNull(response.getHeader("Location"));
        String page = browser.get("/").bodyAsString();
        assertTrue(page.contains(">Sign in</a>"), page);
        assertFalse(browser.cookies.containsKey("demo-session"), "the cookie that named the session is forgotten");
        assertTrue(otherUser.showsSignedIn());
    }

    @Test
    void backChannelLogoutWhenOnlyTheSubIsNamedThenEverySessionOfTheUserIsOver() {
        Browser browser = new Browser();
        browser.signIn();

        assertEquals(
                200,
                backChannelLogout(logoutToken(browser).withoutClaim("sid").sign())
                        .statusCode());

        assertTrue(browser.get("/").bodyAsString().contains(">Sign in</a>"));
    }

    @Test
    void backChannelLogoutWhenTheTokenCarriesANonceThen400AndNothingEnds() {
        assertRefusedAndNothingEnds(
                browser -> logoutToken(browser).claim("nonce", "n").sign());
    }

    @Test
    void backChannelLogoutWhenTheTypeIsNotLogoutJwtThen400AndNothingEnds() {
        assertRefusedAndNothingEnds(
                browser -> logoutToken(browser).header("typ", "JWT").sign());
        assertRefusedAndNothingEnds(
                browser -> logoutToken(browser).withoutHeader("typ").sign());
        // The ID token of the same session is no logout token either.
        assertRefusedAndNothingEnds(browser -> idTokens.get(idTokens.size() - 1));
    }

    @Test
    void backChannelLogoutWhenExpiredThen400AndNothingEnds() {
        long now = Instant.now().getEpochSecond();
        assertRefusedAndNothingEnds(browser -> logoutToken(browser)
                .claim("iat", now - 300)
                .claim("exp", now - 180)
                .sign());
    }

    @Test
    void backChannelLogoutWhenForAnotherClientThen400AndNothingEnds() {
        assertRefusedAndNothingEnds(
                browser -> logoutToken(browser).audience("demo-app").sign());
    }

    @Test
    void backChannelLogoutWhenNotSignedByTheIssuerOrWithoutTheEventThen400AndNothingEnds() {
        assertRefusedAndNothingEnds(browser -> TestTokens.logoutToken(TestKeys.rsa2048(), upstream.issuer(), "demo-web")
                .header("kid", KEY.kid())
                .claim("sid", browser.sid)
                .sign());
        assertRefusedAndNothingEnds(
                browser -> logoutToken(browser).withoutClaim("events").sign());
        assertRefusedAndNothingEnds(browser -> logoutToken(browser).unsigned());
    }

    @Test
    void backChannelLogoutWhenTheJtiWasSeenBeforeThen400AndTheNewSessionStays() {
        Browser browser = new Browser();
        browser.signIn();
        String token = logoutToken(browser).sign();
        assertEquals(200, backChannelLogout(token).statusCode());
        // Signed in again in the same auth-server session (single sign-on): the old token must not end it.
        browser.signIn();

        assertInvalidRequest(backChannelLogout(token));

        assertTrue(browser.showsSignedIn());
    }

    @Test
    void backChannelLogoutWhenTheRequestIsNotAFormWithOneLogoutTokenThen400() {
        Browser browser = new Browser();
        browser.signIn();
        String token = logoutToken(browser).sign();

        assertInvalidRequest(Await.result(
                client.postAbs(base + "/backchannel-logout").sendForm(MultiMap.caseInsensitiveMultiMap())));
        assertInvalidRequest(Await.result(client.postAbs(base + "/backchannel-logout")
                .sendForm(MultiMap.caseInsensitiveMultiMap()
                        .add("logout_token", token)
                        .add("logout_token", token))));
        assertInvalidRequest(Await.result(client.postAbs(base + "/backchannel-logout")
                .sendJsonObject(new JsonObject().put("logout_token", token))));
        assertInvalidRequest(Await.result(client.postAbs(base + "/backchannel-logout")
                .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", "x".repeat(20_000)))));
        assertTrue(browser.showsSignedIn());
        assertEquals(200, backChannelLogout(token).statusCode(), "the refused requests spent nothing");
    }

    private static void assertRefusedAndNothingEnds(Function<Browser, String> token) {
        Browser browser = new Browser();
        browser.signIn();

        assertInvalidRequest(backChannelLogout(token.apply(browser)));

        assertTrue(browser.showsSignedIn(), "the session is still there");
    }

    @Test
    void stylesheetWhenRequestedThenServedAsCss() {
        HttpResponse<Buffer> css = new Browser().get("/notes.css");

        assertEquals(200, css.statusCode());
        assertEquals("text/css; charset=utf-8", css.getHeader("Content-Type"));
        assertTrue(css.bodyAsString().contains("max-width:40rem"));
    }
}
