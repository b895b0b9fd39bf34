package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.testing.Await;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The browser login as a person sees it: the system's Chromium (headless, driven through its own chromedriver, so
 * nothing is downloaded) against the stack jar. It signs in to the notes web app through auth-server's login page,
 * gets single sign-on into a second client, signs out and sees that client's token refused; signs out from a second
 * app through end-session and sees the notes app's own session end by back-channel logout; and walks the paths a
 * real browser takes that an HTTP client does not: an idle login page, the back button, a second tab. It also takes
 * screenshots of the login and consent pages at phone and desktop widths ({@code target/screenshots/}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636">RFC 7636</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9207">RFC 9207</a>
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">RP-Initiated Logout 1.0</a>
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html">Back-Channel Logout 1.0</a>
 */
class BrowserLoginIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String ALICE = "alice";
    private static final String ALICE_PASSWORD = "alice-dev-password";
    /** First party, public: the second client that single sign-on lets in without a password. */
    private static final String SSO_CLIENT = "browser-it-sso";
    /** Third party, public: the client whose consent page the screenshots show. */
    private static final String PARTNER_CLIENT = "browser-it-partner";
    /** First party, public, OpenID: the second app that signs the browser out through end-session. */
    private static final String OIDC_CLIENT = "browser-it-oidc";
    /** The notes app, as seeded: its back-channel logout URI is what the outbox delivers to. */
    private static final String NOTES_APP_CLIENT = "demo-web";

    private static final Duration PAGE = Duration.ofSeconds(20);
    private static final Path TARGET = Path.of("target");
    private static final Path SCREENSHOTS = TARGET.resolve("screenshots");
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LoopbackHttp HTTP = new LoopbackHttp();
    /**
     * Selenium warns at every start that it has no DevTools bindings for the system Chromium's version; the test
     * needs none (its one DevTools command goes through chromedriver). Held here so the level sticks.
     */
    private static final Logger CDP_VERSION_WARNING = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    @TempDir
    static Path dir;

    private static StackProcess stack;
    private static HttpServer callbacks;
    private static String callback;
    /** {@link #OIDC_CLIENT}'s post-logout redirect URI, another page of the test's own. */
    private static String postLogout;
    /** When the browser reached {@link #postLogout}, by the {@code state} it came back with. */
    private static final Map<String, Arrival> POST_LOGOUT_ARRIVALS = new ConcurrentHashMap<>();
    /** alice's {@code sub}, which the notes app shows when she is signed in. */
    private static String alice;

    private static CompletableFuture<ChromeDriver> starting;
    /** One browser for the class (a Chromium start costs seconds); each test gets it as new ({@link #fresh}). */
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        CDP_VERSION_WARNING.setLevel(Level.SEVERE);
        long started = System.nanoTime();
        starting = CompletableFuture.supplyAsync(BrowserLoginIT::startBrowser);
        // A cheap Argon2id (seeded and checked with it): the logins here test the browser, not the hash's cost.
        stack = StackProcess.start(
                dir, null, Map.of("LATCHKEY_ARGON2_MEMORY_KIB", "256", "LATCHKEY_ARGON2_ITERATIONS", "1"));
        // The second and third clients' redirect URI: a page of the test's own on a loopback IP (RFC 8252 §7.3).
        callbacks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        callbacks.createContext("/cb", exchange -> {
            byte[] page =
                    "<!doctype html><title>Callback</title><p>Back at the client.</p>".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html;charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        callbacks.createContext("/signed-out", exchange -> {
            Arrival arrived = new Arrival(System.nanoTime(), Instant.now());
            String query = exchange.getRequestURI().getRawQuery();
            query(query == null ? "" : query).forEach((name, value) -> {
                if (name.equals("state")) {
                    POST_LOGOUT_ARRIVALS.put(value, arrived);
                }
            });
            byte[] page = "<!doctype html><title>Signed out</title><h1>Signed out</h1><p>Back at the second app.</p>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html;charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
        });
        callbacks.start();
        callback = "http://127.0.0.1:" + callbacks.getAddress().getPort() + "/cb";
        postLogout = "http://127.0.0.1:" + callbacks.getAddress().getPort() + "/signed-out";
        stack.awaitReady(Duration.ofSeconds(90));
        System.out.println("[browser] stack ready after "
                + Duration.ofNanos(System.nanoTime() - started).toMillis() + " ms");

        alice = aliceSubject();
        browser = starting.join();
        String admin = adminToken();
        register(admin, client(SSO_CLIENT, "Browser test (first party)", true));
        register(admin, client(PARTNER_CLIENT, "Partner Notes", false));
        register(
                admin,
                client(OIDC_CLIENT, "Browser test (OpenID)", true)
                        .put("scopes", new JsonArray().add("openid").add("notes:read"))
                        .put("post_logout_redirect_uris", new JsonArray().add(postLogout)));
    }

    @AfterAll
    static void stop() {
        if (starting != null) {
            starting.thenAccept(WebDriver::quit)
                    .exceptionally(notStarted -> null)
                    .join();
        }
        if (callbacks != null) {
            callbacks.stop(0);
        }
        if (stack != null) {
            stack.terminate(Duration.ofSeconds(40));
            stack.close();
        }
    }

    /**
     * The browser as if new to every site: one fresh tab (no history, no other tabs) and no cookies, so no session
     * at auth-server or the notes app and no sign-in under way.
     */
    @BeforeEach
    void fresh() {
        String tab = browser.switchTo().newWindow(WindowType.TAB).getWindowHandle();
        for (String other : browser.getWindowHandles()) {
            if (!other.equals(tab)) {
                browser.switchTo().window(other).close();
            }
        }
        browser.switchTo().window(tab);
        browser.executeCdpCommand("Network.clearBrowserCookies", Map.of());
        assertEquals(0, browser.manage().getCookies().size());
    }

    @Test
    void notesAppWhenSignedInThenAnotherClientSignsInWithoutPasswordAndSignOutRevokesItWithinOneSecond()
            throws Exception {
        // 1. The notes app sends the browser to auth-server's login page and, after the password, back signed in.
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        awaitLoginPage(browser);
        assertEquals("Sign in", browser.findElement(By.tagName("h1")).getText());
        submitCredentials(browser);
        awaitSignedIn(browser);
        assertTrue(text(browser, ".who").contains("Alice Example"), text(browser, ".who"));

        String note = "Written in a real browser " + UUID.randomUUID();
        browser.findElement(By.id("text")).sendKeys(note);
        browser.findElement(By.cssSelector("form.add button[type=submit]")).click();
        awaitSignedIn(browser);
        assertTrue(noteTexts(browser).contains(note), noteTexts(browser).toString());

        // 2. Another first-party client in the same browser: straight back with a code, no login page on the way.
        Authorization sso = authorize(browser, SSO_CLIENT, "notes:read");
        // get() returns once the page it ends on has loaded: with no password typed, that is the redirect URI.
        assertTrue(
                browser.getCurrentUrl().startsWith(callback + "?"),
                "straight back to the client, no login page: " + browser.getCurrentUrl());
        Map<String, String> response = awaitCallback(browser);
        assertEquals(sso.state(), response.get("state"), response.toString());
        assertEquals(issuer(), response.get("iss"), response.toString());
        assertNotNull(response.get("code"), "no code, so the browser was not signed in by its session: " + response);
        String access = exchange(sso, response.get("code"));
        HttpResponse<String> me = HTTP.get(app("/api/me"), access);
        assertEquals(200, me.statusCode(), me.body());
        assertEquals(SSO_CLIENT, new JsonObject(me.body()).getString("client_id"));
        assertEquals(alice, new JsonObject(me.body()).getString("sub"));

        // 3. Signing out of the notes app ends the browser session at auth-server: the other client's token dies.
        browser.get(app("/"));
        awaitSignedIn(browser);
        assertEquals(200, HTTP.get(app("/api/me"), access).statusCode(), "still good before the sign-out");
        browser.findElement(By.cssSelector("header form[action='/logout'] button"))
                .click();
        long signedOut = System.nanoTime();
        awaitSignedOutPage(browser);
        // Back from auth-server's end-session endpoint with the state the notes app sent (RP-Initiated Logout).
        assertTrue(
                query(URI.create(browser.getCurrentUrl()).getRawQuery()).containsKey("state"), browser.getCurrentUrl());
        assertEquals("You are signed out, of the notes app and of Latchkey.", text(browser, "main .notice"));
        Duration oneSecond = Duration.ofSeconds(1);
        Duration left = oneSecond.minus(Duration.ofNanos(System.nanoTime() - signedOut));
        Await.until(
                "the " + SSO_CLIENT + " token refused within 1 s of the sign-out",
                left,
                () -> LoopbackHttp.unchecked(() -> HTTP.get(app("/api/me"), access))
                                .statusCode()
                        == 401);
        Duration refusedAfter = Duration.ofNanos(System.nanoTime() - signedOut);
        assertTrue(refusedAfter.compareTo(oneSecond) <= 0, refusedAfter.toString());
        System.out.println(
                "[browser] sign-out click to the other client's token refused: " + refusedAfter.toMillis() + " ms");
    }

    @Test
    void endSessionWhenASecondAppSignsOutWithItsIdTokenThenTheBrowserReturnsWithTheStateAndTheNotesAppSessionEnds()
            throws Exception {
        // 1. Signed in to the notes app.
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        awaitLoginPage(browser);
        submitCredentials(browser);
        awaitSignedIn(browser);

        // 2. A second app in the same browser: a code by single sign-on, and with it an ID token of the same session.
        Authorization second = authorize(browser, OIDC_CLIENT, "openid notes:read");
        assertTrue(
                browser.getCurrentUrl().startsWith(callback + "?"),
                "straight back to the second app, no login page: " + browser.getCurrentUrl());
        Map<String, String> response = awaitCallback(browser);
        assertEquals(second.state(), response.get("state"), response.toString());
        assertNotNull(response.get("code"), "no code, so the browser was not signed in by its session: " + response);
        JsonObject tokens = tokens(second, response.get("code"));
        String idToken = tokens.getString("id_token");
        assertNotNull(idToken, "scope openid, yet no ID token: " + tokens.fieldNames());
        JsonObject claims = payload(idToken);
        assertEquals(issuer(), claims.getString("iss"), claims.encode());
        assertEquals(OIDC_CLIENT, claims.getString("aud"), claims.encode());
        assertEquals(alice, claims.getString("sub"), claims.encode());
        String sid = claims.getString("sid");
        assertNotNull(sid, claims.encode());
        try (Connection db = database()) {
            assertEquals(
                    Set.of(NOTES_APP_CLIENT, OIDC_CLIENT),
                    clientsOfSession(db, sid),
                    "both apps got their tokens in the one auth-server session " + sid);

            // The notes app is still signed in right before: what follows is what ends its session.
            browser.get(app("/"));
            awaitSignedIn(browser);

            // 3. The second app signs the browser out at auth-server: back to its post-logout page with its state.
            String state = random(16);
            Map<String, String> endSession = new LinkedHashMap<>();
            endSession.put("id_token_hint", idToken);
            endSession.put("post_logout_redirect_uri", postLogout);
            endSession.put("state", state);
            browser.get(auth("/oauth2/end-session?" + form(endSession)));
            awaitPage(browser, "the second app's post-logout page " + postLogout, b -> b.getCurrentUrl()
                    .startsWith(postLogout));
            // Read now, checked below: the clock runs from the redirect, and each browser command takes its time.
            String returnedTo = browser.getCurrentUrl();
            Arrival redirected = POST_LOGOUT_ARRIVALS.get(state);
            assertNotNull(redirected, "the post-logout page was not reached with the state: " + returnedTo);

            // 4. The notes app learns it from auth-server's outbox, by back-channel logout. Nothing here touches the
            // notes app until the delivery is done: had its first news been a refused access token on the next
            // page, that page would say so, and it would not show that the back channel ended the session.
            Await.until(
                    "the back-channel logout of session " + sid + " delivered to " + NOTES_APP_CLIENT,
                    Duration.ofSeconds(15),
                    () -> backChannelDelivery(db, sid, NOTES_APP_CLIENT).isPresent());
            browser.get(app("/"));
            awaitSignedOutPage(browser);
            Duration signedOutAfter = Duration.ofNanos(System.nanoTime() - redirected.nanos());
            List<WebElement> notices = browser.findElements(By.cssSelector("main .notice"));
            assertTrue(
                    notices.isEmpty(),
                    "the notes app's session was gone before this page, not ended by it: "
                            + notices.stream().map(WebElement::getText).toList());
            assertEquals(postLogout + "?state=" + state, returnedTo);
            assertEquals(Map.of("state", state), query(URI.create(returnedTo).getRawQuery()));
            Delivery delivery = backChannelDelivery(db, sid, NOTES_APP_CLIENT).orElseThrow();
            System.out.println("[browser] end-session redirect to the notes app showing signed out: "
                    + signedOutAfter.toMillis() + " ms; to the back-channel logout's delivery: "
                    + Duration.between(redirected.at(), delivery.delivered()).toMillis()
                    + " ms; outbox row written to delivered: "
                    + Duration.between(delivery.written(), delivery.delivered()).toMillis() + " ms");

            // 5. The browser session at auth-server ended too: the second app's next sign-in asks for the password.
            authorize(browser, OIDC_CLIENT, "openid notes:read");
            awaitLoginPage(browser);
        }
    }

    @Test
    void loginFormWhenSubmittedAfterTheInteractionExpiredThenTheNotesAppSaysSoAndSignsInAgain() throws Exception {
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        String interaction = awaitLoginPage(browser);

        // 30 minutes of idling, without the wait: the interaction's expiry moved into the past.
        assertEquals(1, expireInteraction(interaction), "the interaction " + interaction + " is stored");
        submitCredentials(browser);

        awaitPage(browser, "the notes app after the expired login page", b -> b.getCurrentUrl()
                .startsWith(app("/callback?")));
        String page = browser.findElement(By.tagName("main")).getText();
        assertEquals("Sign-in did not finish", text(browser, "h1"), page);
        assertTrue(
                page.contains("The sign-in server said: The sign-in page expired after 30 minutes; start again"),
                "auth-server's words on why: " + page);
        assertFalse(page.toLowerCase(Locale.ROOT).contains("cancel"), "nobody cancelled anything: " + page);
        assertFalse(signedIn(browser), page);
        WebElement again = browser.findElement(By.linkText("Sign in again"));
        System.out.println("[browser] expired login page ended on " + path(browser.getCurrentUrl()) + ": "
                + page.replace('\n', ' '));

        // The expired form signed nobody in, so signing in again asks for the password on a fresh interaction.
        again.click();
        String fresh = awaitLoginPage(browser);
        assertNotEquals(interaction, fresh);
        submitCredentials(browser);
        awaitSignedIn(browser);
    }

    @Test
    void backButtonWhenPressedAfterSignInThenTheNotesAppIsStillSignedIn() throws Exception {
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        String loginPage = awaitLoginPage(browser);
        submitCredentials(browser);
        awaitSignedIn(browser);
        String session = browser.manage().getCookieNamed("demo-session").getValue();
        try (Connection db = database()) {
            assertEquals(new Codes(1, 1), codesOfInteraction(db, loginPage), "the sign-in's one code, redeemed");

            // Back to the login page: its interaction done, auth-server sends the browser on with a new code and the
            // state that sign-in used; the notes app, the browser being signed in, takes it home.
            browser.navigate().back();
            awaitSignedIn(browser);
            String shown = browser.findElement(By.tagName("body")).getText().replace('\n', ' ');
            System.out.println("[browser] back from the signed-in notes app (login page " + loginPage + ") landed on "
                    + path(browser.getCurrentUrl()) + ": " + shown);
            assertEquals(app("/"), browser.getCurrentUrl(), shown);
            assertEquals(
                    new Codes(2, 1),
                    codesOfInteraction(db, loginPage),
                    "the back button went through the login page to the callback, whose code the notes app left");
        }
        assertEquals(
                session,
                browser.manage().getCookieNamed("demo-session").getValue(),
                "the session the sign-in opened, not a new one");
    }

    @Test
    void loginFormWhenSubmittedInATabAfterAnotherTabSignedInThenThatTabEndsSignedInToo() throws Exception {
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        String first = awaitLoginPage(browser);
        String tabA = browser.getWindowHandle();

        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        String second = awaitLoginPage(browser);
        assertNotEquals(first, second, "each tab has an interaction of its own");
        submitCredentials(browser);
        awaitSignedIn(browser);

        browser.switchTo().window(tabA);
        assertTrue(onLoginPage(browser), browser.getCurrentUrl());
        submitCredentials(browser);
        awaitSignedIn(browser);
        assertTrue(text(browser, ".who").contains("Alice Example"), text(browser, ".who"));
    }

    @Test
    void loginAndConsentPagesWhenShownAtPhoneAndDesktopWidthsThenScreenshotsAreTakenAndAllowIssuesACode()
            throws Exception {
        Files.createDirectories(SCREENSHOTS);
        browser.get(app("/"));
        browser.findElement(By.linkText("Sign in")).click();
        awaitLoginPage(browser);
        screenshot(browser, "login", 390);
        screenshot(browser, "login", 1280);

        submitCredentials(browser);
        awaitSignedIn(browser);

        Authorization partner = authorize(browser, PARTNER_CLIENT, "notes:read");
        awaitPage(browser, "the consent page", b -> b.getCurrentUrl().startsWith(auth("/consent/")));
        String consent = browser.findElement(By.tagName("main")).getText();
        assertTrue(consent.contains("Partner Notes"), consent);
        assertTrue(consent.contains("notes:read"), consent);
        screenshot(browser, "consent", 390);
        screenshot(browser, "consent", 1280);

        browser.findElement(By.cssSelector("button[value=allow]")).click();
        Map<String, String> response = awaitCallback(browser);
        assertEquals(partner.state(), response.get("state"), response.toString());
        assertEquals(issuer(), response.get("iss"), response.toString());
        HttpResponse<String> me = HTTP.get(app("/api/me"), exchange(partner, response.get("code")));
        assertEquals(200, me.statusCode(), me.body());

        // Consent is remembered for these scopes: the next authorization goes straight back with a code.
        Authorization again = authorize(browser, PARTNER_CLIENT, "notes:read");
        Map<String, String> remembered = awaitCallback(browser);
        assertEquals(again.state(), remembered.get("state"), remembered.toString());
        assertNotNull(remembered.get("code"), remembered.toString());
    }

    // --- the browser

    /** A headless Chromium with a profile of its own under target/. */
    private static ChromeDriver startBrowser() {
        Path profile;
        try {
            profile = Files.createDirectories(TARGET.resolve("browser-profiles")
                    .resolve(Long.toString(System.nanoTime()))
                    .toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-dev-shm-usage",
                "--user-data-dir=" + profile,
                "--window-size=1280,800",
                "--lang=en-US",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync");
        // No password manager bubbles over the pages (and no leak check calling out).
        options.setExperimentalOption(
                "prefs",
                Map.of(
                        "credentials_enable_service", false,
                        "profile.password_manager_enabled", false,
                        "profile.password_manager_leak_detection", false));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogFile(profile.resolveSibling(profile.getFileName() + "-chromedriver.log")
                        .toFile())
                .build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(PAGE);
        return driver;
    }

    /** Waits for {@code condition}; on a timeout, fails with the page's URL and text and a screenshot of it. */
    private static void awaitPage(WebDriver browser, String what, Function<WebDriver, Boolean> condition) {
        try {
            new WebDriverWait(browser, PAGE, Duration.ofMillis(20)).until(condition);
        } catch (TimeoutException e) {
            String shot;
            try {
                Path file = Files.createDirectories(SCREENSHOTS).resolve("failed-" + System.nanoTime() + ".png");
                Files.copy(
                        ((TakesScreenshot) browser)
                                .getScreenshotAs(OutputType.FILE)
                                .toPath(),
                        file);
                shot = file.toAbsolutePath().toString();
            } catch (IOException | RuntimeException unavailable) {
                shot = "none (" + unavailable + ")";
            }
            throw new AssertionError("not within " + PAGE.toSeconds() + " s: " + what + "; the browser is at "
                    + browser.getCurrentUrl() + " showing ["
                    + browser.findElement(By.tagName("body")).getText().replace('\n', ' ') + "], screenshot " + shot);
        }
    }

    /** Waits for auth-server's login form; returns its interaction id. */
    private static String awaitLoginPage(WebDriver browser) {
        awaitPage(
                browser,
                "auth-server's login page",
                b -> onLoginPage(b) && !b.findElements(By.id("password")).isEmpty());
        return path(browser.getCurrentUrl()).substring("/login/".length());
    }

    private static boolean onLoginPage(WebDriver browser) {
        return browser.getCurrentUrl().startsWith(auth("/login/"));
    }

    private static void submitCredentials(WebDriver browser) {
        WebElement username = browser.findElement(By.id("username"));
        username.clear();
        username.sendKeys(ALICE);
        browser.findElement(By.id("password")).sendKeys(ALICE_PASSWORD);
        browser.findElement(By.cssSelector("form button[type=submit]")).click();
    }

    private static void awaitSignedIn(WebDriver browser) {
        awaitPage(browser, "the notes app, signed in", BrowserLoginIT::signedIn);
    }

    private static boolean signedIn(WebDriver browser) {
        return browser.getCurrentUrl().startsWith(app("/"))
                && !browser.findElements(By.cssSelector("header form[action='/logout']"))
                        .isEmpty()
                && !browser.findElements(By.cssSelector("form.add")).isEmpty();
    }

    /** The notes app's signed-out home page; also its post-logout redirect URI, so with or without a {@code state}. */
    private static void awaitSignedOutPage(WebDriver browser) {
        awaitPage(
                browser,
                "the notes app, signed out",
                b -> b.getCurrentUrl().startsWith(app("/"))
                        && path(b.getCurrentUrl()).equals("/")
                        && !b.findElements(By.linkText("Sign in")).isEmpty()
                        && b.findElements(By.cssSelector("header form[action='/logout']"))
                                .isEmpty());
    }

    private static List<String> noteTexts(WebDriver browser) {
        return browser.findElements(By.cssSelector("ul.notes li p")).stream()
                .map(WebElement::getText)
                .toList();
    }

    private static String text(WebDriver browser, String css) {
        return browser.findElement(By.cssSelector(css)).getText();
    }

    /** A viewport {@code width} CSS pixels wide (a phone's at 390), then a screenshot of it. */
    private static void screenshot(ChromeDriver browser, String page, int width) throws IOException {
        boolean phone = width < 600;
        browser.executeCdpCommand(
                "Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", phone ? 844 : 800, "deviceScaleFactor", 1, "mobile", phone));
        assertEquals(
                (long) width,
                browser.executeScript("return window.innerWidth"),
                "the viewport is " + width + " px wide");
        Path file = SCREENSHOTS.resolve(page + "-" + width + ".png");
        Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), file, StandardCopyOption.REPLACE_EXISTING);
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    // --- the second and third clients

    /** What a client keeps while the browser is away: its PKCE verifier (RFC 7636) and its state. */
    private record Authorization(String clientId, String verifier, String state) {}

    /** Sends the browser to auth-server's authorization endpoint for {@code clientId}, PKCE S256 and a state. */
    private static Authorization authorize(WebDriver browser, String clientId, String scope) throws Exception {
        String verifier = random(32);
        String challenge = Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        String state = random(16);
        Map<String, String> query = new LinkedHashMap<>();
        query.put("response_type", "code");
        query.put("client_id", clientId);
        query.put("redirect_uri", callback);
        query.put("scope", scope);
        query.put("state", state);
        query.put("code_challenge", challenge);
        query.put("code_challenge_method", "S256");
        browser.get(auth("/oauth2/authorize?" + form(query)));
        return new Authorization(clientId, verifier, state);
    }

    /** Waits until the browser is at the test's redirect URI; returns the authorization response's parameters. */
    private static Map<String, String> awaitCallback(WebDriver browser) {
        awaitPage(browser, "the client's redirect URI " + callback, b -> b.getCurrentUrl()
                .startsWith(callback + "?"));
        return query(URI.create(browser.getCurrentUrl()).getRawQuery());
    }

    /** A query string's parameters, decoded, in their order. */
    private static Map<String, String> query(String rawQuery) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            params.put(
                    URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                    eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Redeems a code as the public client that asked for it; returns the access token. */
    private static String exchange(Authorization authorization, String code) throws Exception {
        return tokens(authorization, code).getString("access_token");
    }

    /** Redeems a code as the public client that asked for it; returns the token response. */
    private static JsonObject tokens(Authorization authorization, String code) throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth("/oauth2/token"),
                null,
                Map.of(
                        "grant_type",
                        "authorization_code",
                        "code",
                        code,
                        "code_verifier",
                        authorization.verifier(),
                        "redirect_uri",
                        callback,
                        "client_id",
                        authorization.clientId()));
        assertEquals(200, token.statusCode(), token.body());
        return new JsonObject(token.body());
    }

    /** The claims of a compact JWS, read without verifying anything (auth-server signed it; the test only looks). */
    private static JsonObject payload(String jws) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jws.split("\\.")[1]), StandardCharsets.UTF_8));
    }

    /** alice's subject, as resource-demo reads it from a password-grant token of the seeded demo-app. */
    private static String aliceSubject() throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth("/oauth2/token"),
                null,
                Map.of(
                        "grant_type",
                        "password",
                        "client_id",
                        "demo-app",
                        "username",
                        ALICE,
                        "password",
                        ALICE_PASSWORD));
        assertEquals(200, token.statusCode(), token.body());
        HttpResponse<String> me = HTTP.get(app("/api/me"), new JsonObject(token.body()).getString("access_token"));
        assertEquals(200, me.statusCode(), me.body());
        return new JsonObject(me.body()).getString("sub");
    }

    private static String adminToken() throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth("/oauth2/token"),
                LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, token.statusCode(), token.body());
        return new JsonObject(token.body()).getString("access_token");
    }

    /** A public client of the browser flow, scope {@code notes:read}, redirecting to the test's {@link #callback}. */
    private static JsonObject client(String clientId, String name, boolean firstParty) {
        return new JsonObject()
                .put("client_id", clientId)
                .put("client_name", name)
                .put("first_party", firstParty)
                .put("token_endpoint_auth_method", "none")
                .put("grant_types", new JsonArray().add("authorization_code").add("refresh_token"))
                .put("scopes", new JsonArray().add("notes:read"))
                .put("audience", "resource-demo")
                .put("redirect_uris", new JsonArray().add(callback));
    }

    private static void register(String admin, JsonObject client) throws Exception {
        HttpResponse<String> created = HTTP.postJson(auth("/admin/clients"), admin, client);
        assertEquals(201, created.statusCode(), created.body());
    }

    // --- the stack

    /** The stack's embedded PostgreSQL: database latchkey on the port the stack was told, its superuser. */
    private static Connection database() throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://localhost:" + stack.dbPort + "/latchkey", "postgres", "postgres");
    }

    /** Ages the interaction past its 30 minutes in the stack's embedded PostgreSQL; returns the rows changed. */
    private static int expireInteraction(String id) throws Exception {
        try (var connection = database();
                var update = connection.prepareStatement(
                        "UPDATE interactions SET expires_at = now() - interval '1 second' WHERE id = ?")) {
            update.setString(1, id);
            return update.executeUpdate();
        }
    }

    /** The clients that received tokens in the auth-server session {@code sid}. */
    private static Set<String> clientsOfSession(Connection db, String sid) throws SQLException {
        try (var select = db.prepareStatement("SELECT client_id FROM session_clients WHERE session_id = ?::uuid")) {
            select.setString(1, sid);
            try (var rows = select.executeQuery()) {
                Set<String> clients = new HashSet<>();
                while (rows.next()) {
                    clients.add(rows.getString(1));
                }
                return clients;
            }
        }
    }

    /** When the test's post-logout page was reached, by the test's two clocks. */
    private record Arrival(long nanos, Instant at) {}

    /**
     * A delivered back-channel logout, by the database's clock: {@code written} in the transaction that ended the
     * session, {@code delivered} when the client's 2xx was recorded.
     */
    private record Delivery(Instant written, Instant delivered) {}

    /** The back-channel logout of {@code clientId} for the session {@code sid} in auth-server's outbox, once delivered. */
    private static Optional<Delivery> backChannelDelivery(Connection db, String sid, String clientId) {
        try (var select = db.prepareStatement("SELECT created_at, delivered_at FROM backchannel_deliveries"
                + " WHERE session_id = ?::uuid AND client_id = ? AND delivered_at IS NOT NULL")) {
            select.setString(1, sid);
            select.setString(2, clientId);
            try (var rows = select.executeQuery()) {
                return rows.next()
                        ? Optional.of(new Delivery(
                                rows.getTimestamp(1).toInstant(),
                                rows.getTimestamp(2).toInstant()))
                        : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** How many codes the notes app was issued in the session signed in on an interaction, and how many it redeemed. */
    private record Codes(long issued, long redeemed) {}

    private static Codes codesOfInteraction(Connection db, String interaction) throws SQLException {
        try (var select = db.prepareStatement("SELECT count(*), count(c.used_at) FROM authorization_codes c"
                + " JOIN interactions i ON i.session_id = c.session_id"
                + " WHERE i.id = ? AND c.client_id = ?")) {
            select.setString(1, interaction);
            select.setString(2, NOTES_APP_CLIENT);
            try (var rows = select.executeQuery()) {
                assertTrue(rows.next());
                return new Codes(rows.getLong(1), rows.getLong(2));
            }
        }
    }

    private static String issuer() {
        return "http://localhost:" + stack.authPort;
    }

    private static String auth(String path) {
        return issuer() + path;
    }

    /** The notes app at the URL the seeded demo-web client redirects to. */
    private static String app(String path) {
        return "http://localhost:" + stack.demoPort + path;
    }

    private static String path(String url) {
        return URI.create(url).getRawPath();
    }

    private static String random(int bytes) {
        byte[] value = new byte[bytes];
        RANDOM.nextBytes(value);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(value);
    }

    private static String form(Map<String, String> fields) {
        StringBuilder out = new StringBuilder();
        fields.forEach((name, value) -> out.append(out.length() == 0 ? "" : "&")
                .append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                .append('=')
                .append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
        return out.toString();
    }
}
