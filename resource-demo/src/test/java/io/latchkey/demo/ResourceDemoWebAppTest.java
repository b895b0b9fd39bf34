package io.latchkey.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The notes web app over real HTTP, signing in against a stand-in auth-server that plays the contract's token and
 * logout endpoints (and, as the test's browser, the authorize step), with real RS256 access tokens that the demo's
 * own API verifies. The end-to-end test against the real auth-server lives in {@code stack}.
 */
@ExtendWith(VertxExtension.class)
class ResourceDemoWebAppTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final String WEB_SECRET = "web-secret-for-tests-only-0123456789";
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");

    private static final Map<String, String[]> codes = new ConcurrentHashMap<>(); // code -> S256 challenge, sub
    private static final Map<String, String> refreshTokens = new ConcurrentHashMap<>(); // live -> subject
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

    // ---- the stand-in auth-server: token endpoint (code with PKCE, rotating refresh) and logout ----

    private static void authServerEndpoints(Router router) {
        router.post("/oauth2/token").handler(BodyHandler.create()).handler(ResourceDemoWebAppTest::token);
        router.post("/logout").handler(ctx -> {
            logouts.add(ctx.request().getHeader("Authorization"));
            ctx.response().setStatusCode(204).end();
        });
    }

    private static void token(RoutingContext ctx) {
        String expected = "Basic "
                + Base64.getEncoder().encodeToString(("demo-web:" + WEB_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ctx.request().getHeader("Authorization"))) {
            oauthError(ctx, 401, "invalid_client");
            return;
        }
        MultiMap form = ctx.request().formAttributes();
        String subject;
        switch (form.get("grant_type")) {
            case "authorization_code" -> {
                String[] grant = codes.remove(form.get("code"));
                if (grant == null
                        || !grant[0].equals(Pkce.challengeOf(form.get("code_verifier")))
                        || !(base + "/callback").equals(form.get("redirect_uri"))) {
                    oauthError(ctx, 400, "invalid_grant");
                    return;
                }
                subject = grant[1];
            }
            case "refresh_token" -> {
                String presented = form.get("refresh_token");
                if (!usedRefreshTokens.add(presented)) {
                    reuses.incrementAndGet();
                    oauthError(ctx, 400, "invalid_grant");
                    return;
                }
                subject = refreshTokens.remove(presented);
                if (subject == null) {
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
                .claim("sub", subject)
                .claim("client_id", "demo-web")
                .scope("openid profile email notes:read notes:write")
                .expiresIn(expiresIn)
                .sign();
        accessTokens.add(accessToken);
        String refreshToken = UUID.randomUUID().toString();
        refreshTokens.put(refreshToken, subject);
        ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .end(new JsonObject()
                        .put("access_token", accessToken)
                        .put("token_type", "Bearer")
                        .put("expires_in", expiresIn)
                        .put("scope", "openid profile email notes:read notes:write")
                        .put("refresh_token", refreshToken)
                        .encode());
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
            Map<String, String> request = startSignIn();
            String code = UUID.randomUUID().toString();
            codes.put(code, new String[] {request.get("code_challenge"), subject});
            HttpResponse<Buffer> callback =
                    get("/callback?code=" + code + "&state=" + request.get("state") + "&iss=" + upstream.issuer());
            assertEquals(303, callback.statusCode(), callback.bodyAsString());
            assertEquals("/", callback.getHeader("Location"));
            assertNotNull(cookies.get("demo-session"));
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
        assertTrue(home.contains("Signed in as " + browser.subject), home);
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

        assertTrue(browser.get("/").bodyAsString().contains("Signed in as " + browser.subject));
        assertTrue(browser.get("/").bodyAsString().contains("Signed in as " + browser.subject));

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
            assertTrue(response.bodyAsString().contains("Signed in as " + browser.subject), response.bodyAsString());
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
    void logoutWhenSignedInThenTheAuthServerSessionEndsWithTheBearerTokenAndTheBrowserGoesHome() {
        Browser browser = new Browser();
        browser.signIn();
        String sessionCookie = browser.cookies.get("demo-session");
        String csrf = browser.csrf();
        String token = lastAccessToken();

        HttpResponse<Buffer> out =
                browser.post("/logout", MultiMap.caseInsensitiveMultiMap().add("csrf", csrf));

        assertEquals(303, out.statusCode());
        assertEquals("/", out.getHeader("Location"));
        assertTrue(logouts.contains("Bearer " + token));
        assertFalse(browser.cookies.containsKey("demo-session"));
        browser.cookies.put("demo-session", sessionCookie);
        assertTrue(browser.get("/").bodyAsString().contains(">Sign in</a>"), "the old cookie names no session");
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
        assertTrue(browser.get("/").bodyAsString().contains("Signed in as " + browser.subject));
    }

    @Test
    void callbackWhenTheIssuerIsAnotherServerThenRefusedWithAWayToSignInAgain() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();
        String code = UUID.randomUUID().toString();
        codes.put(code, new String[] {request.get("code_challenge"), browser.subject});

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
    void callbackWhenTheUserDeclinedThenACancelledPageWithTheServersWordsEscaped() {
        Browser browser = new Browser();
        Map<String, String> request = browser.startSignIn();

        HttpResponse<Buffer> page = browser.get("/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E"
                + "&state=" + request.get("state") + "&iss=" + upstream.issuer());

        assertEquals(400, page.statusCode());
        String body = page.bodyAsString();
        assertTrue(body.contains("Sign-in cancelled"), body);
        assertTrue(body.contains("access_denied (&lt;b&gt;no&lt;/b&gt;)"), body);
        assertTrue(body.contains("href=\"/login\">Sign in again</a>"));
    }

    @Test
    void stylesheetWhenRequestedThenServedAsCss() {
        HttpResponse<Buffer> css = new Browser().get("/notes.css");

        assertEquals(200, css.statusCode());
        assertEquals("text/css; charset=utf-8", css.getHeader("Content-Type"));
        assertTrue(css.bodyAsString().contains("max-width:40rem"));
    }
}
