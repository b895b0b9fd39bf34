package io.latchkey.auth.backchannel;

import static io.latchkey.auth.test.AccessTokens.claims;
import static io.latchkey.auth.test.TestBrowser.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.auth.session.PgSessionRepository;
import io.latchkey.auth.session.SessionPruner;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.Pkce;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestBrowser;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.auth.throttle.PgLoginThrottle;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Back-Channel Logout over real HTTP: every way a session ends reaches each app that received tokens in it, once,
 * with a logout token Nimbus verifies; an app that is down at first gets it later; one that never answers holds back
 * no other app's token and is abandoned after the bound.
 */
class BackchannelLogoutTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    static final Duration DEADLINE = Duration.ofSeconds(15);
    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static TestAuthServer auth;
    static LogoutReceiver receiver;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET));
        auth = stack.auth();
        pool = db.pool(vertx);
        receiver = LogoutReceiver.start(vertx);
        for (String app : List.of("app-a", "app-b")) {
            TestClients.publicClient(app)
                    .browser("https://" + app + ".example/cb")
                    .backchannel(receiver.uri("/bc/" + app))
                    .firstParty()
                    .insert(pool);
        }
        TestClients.publicClient("pw").grants("password", "refresh_token").insert(pool);
        TestClients.publicClient("app-c")
                .browser("https://app-c.example/cb")
                .backchannel(receiver.uri("/bc/app-c"))
                .firstParty()
                .insert(pool);
        TestClients.publicClient("app-es")
                .browser("https://app-es.example/cb")
                .backchannel(receiver.uri("/bc/app-es"))
                .firstParty()
                .insert(pool);
        Sql.rows(pool, "UPDATE clients SET access_token_signing_alg = 'ES256' WHERE client_id = 'app-es'");
        for (String user :
                List.of("ava", "ben", "cal", "dot", "eve", "fay", "gus", "hal", "ida", "jon", "kim", "lea")) {
            TestUsers.insert(pool, user, user + "-password-1");
        }
    }

    @AfterAll
    static void stop() {
        receiver.close();
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void logoutReachesEveryAppOfTheSessionOnceWithAValidLogoutToken() throws Exception {
        TestBrowser browser = new TestBrowser(auth.client());
        JsonObject a = signIn(browser, "app-a", "ava");
        JsonObject b = signIn(browser, "app-b", "ava");
        String sid = claims(a.getString("access_token")).getString("sid");
        assertEquals(sid, claims(b.getString("access_token")).getString("sid"), "one browser session");

        HttpResponse<Buffer> logout = Await.result(auth.client()
                .post("/logout")
                .putHeader("Authorization", "Bearer " + a.getString("access_token"))
                .send());
        assertEquals(204, logout.statusCode());

        Map<String, JWTClaimsSet> received = awaitTokens(sid, 2);
        for (String app : List.of("app-a", "app-b")) {
            JWTClaimsSet token = received.get(app);
            assertEquals(claims(a.getString("access_token")).getString("sub"), token.getSubject());
            assertEquals(Map.of(), token.getJSONObjectClaim("events").get(EVENT));
            assertNull(token.getClaim("nonce"));
            assertTrue(
                    token.getExpirationTime().getTime() - token.getIssueTime().getTime() <= 120_000);
        }
        // The delivery is marked after the app has answered, so the mark may trail the app's receipt a little.
        Await.until(
                "both deliveries marked delivered",
                DEADLINE,
                () -> Sql.count(
                                pool,
                                "SELECT count(*) FROM backchannel_deliveries"
                                        + " WHERE session_id = $1::uuid AND delivered_at IS NOT NULL",
                                sid)
                        == 2);
    }

    @Test
    void logoutWhenTheAppSignsWithEs256ThenItsLogoutTokenIsEs256AndVerifiesAgainstTheJwks() throws Exception {
        JsonObject tokens = signIn(new TestBrowser(auth.client()), "app-es", "lea");
        String sid = sid(tokens);
        Await.result(auth.client()
                .post("/logout")
                .putHeader("Authorization", "Bearer " + tokens.getString("access_token"))
                .send());
        Await.until("the logout token", DEADLINE, () -> forSession(sid).size() == 1);
        String token = forSession(sid).get(0);
        assertEquals(JWSAlgorithm.ES256, SignedJWT.parse(token).getHeader().getAlgorithm());
        JWTClaimsSet claims = AccessTokens.verifyTyped(
                token,
                "logout+jwt",
                stack.jwksUrl(),
                "app-es",
                Set.of("iat", "exp", "jti", "sid", "sub", "events"),
                JWSAlgorithm.ES256);
        assertEquals(sid, claims.getStringClaim("sid"));
    }

    @Test
    void anAppDownAtFirstGetsItsTokenOnceItIsBack() throws Exception {
        JsonObject tokens = signIn(new TestBrowser(auth.client()), "app-a", "ben");
        String sid = claims(tokens.getString("access_token")).getString("sid");
        receiver.failFirst.set(2);
        Await.result(auth.client()
                .post("/logout")
                .putHeader("Authorization", "Bearer " + tokens.getString("access_token"))
                .send());
        awaitTokens(sid, 1);
        assertEquals(0, receiver.failFirst.get(), "the first answers were 503");
        assertEquals(
                3, Sql.count(pool, "SELECT attempts FROM backchannel_deliveries WHERE session_id = $1::uuid", sid));
    }

    @Test
    void aReplayedCodeAndAnExpiredSessionAreLogoutsToo() throws Exception {
        TestBrowser browser = new TestBrowser(auth.client());
        Pkce pkce = Pkce.create();
        String code = code(browser, "app-a", "cal", pkce);
        HttpResponse<Buffer> first = exchange("app-a", code, pkce);
        String sid = claims(first.bodyAsJsonObject().getString("access_token")).getString("sid");
        assertEquals(400, exchange("app-a", code, pkce).statusCode());
        awaitTokens(sid, 1);

        JsonObject other = signIn(new TestBrowser(auth.client()), "app-b", "dot");
        String expiring = claims(other.getString("access_token")).getString("sid");
        Sql.rows(pool, "UPDATE sessions SET expires_at = now() - interval '1 second' WHERE id = $1::uuid", expiring);
        Await.result(new SessionPruner(
                        pool, new PgSessionRepository(), new PgLoginThrottle(), new PgBackchannelOutbox(), List.of())
                .prune());
        awaitTokens(expiring, 1);
        assertEquals(
                "expired",
                Sql.string(
                        pool,
                        "SELECT coalesce((SELECT end_reason FROM sessions WHERE id = $1::uuid), 'expired')",
                        expiring));
    }

    @Test
    void adminDisablePasswordChangeRefreshReuseEndSessionAndClientDisableAreLogoutsToo() throws Exception {
        String admin = adminToken();
        JsonObject disabled = signIn(new TestBrowser(auth.client()), "app-a", "kim");
        adminPost(
                "/admin/users/" + claims(disabled.getString("access_token")).getString("sub") + "/disable",
                admin,
                new JsonObject());
        awaitTokens(sid(disabled), 1);

        JsonObject changed = signIn(new TestBrowser(auth.client()), "app-a", "gus");
        adminPost(
                "/admin/users/" + claims(changed.getString("access_token")).getString("sub") + "/password",
                admin,
                new JsonObject().put("password", "a-new-password-for-gus-1"));
        awaitTokens(sid(changed), 1);

        JsonObject reused = signIn(new TestBrowser(auth.client()), "app-a", "hal");
        String refresh = reused.getString("refresh_token");
        assertEquals(200, refresh("app-a", refresh).statusCode());
        assertEquals(400, refresh("app-a", refresh).statusCode());
        awaitTokens(sid(reused), 1);

        TestBrowser browser = new TestBrowser(auth.client());
        JsonObject ended = signIn(browser, "app-a", "ida");
        HttpResponse<Buffer> end = browser.get("/oauth2/end-session?client_id=app-a");
        assertEquals(200, end.statusCode());
        assertEquals(
                200,
                browser.post("/oauth2/end-session", "confirm", "yes", "csrf", TestBrowser.csrf(end))
                        .statusCode());
        awaitTokens(sid(ended), 1);

        JsonObject ofClient = signIn(new TestBrowser(auth.client()), "app-c", "jon");
        adminPost("/admin/clients/app-c/disable", admin, new JsonObject());
        awaitTokens(sid(ofClient), 1);
    }

    @Test
    void anAppThatNeverAnswersIsAbandonedAfterTheBound() {
        JsonObject tokens = signIn(new TestBrowser(auth.client()), "app-a", "eve");
        String sid = claims(tokens.getString("access_token")).getString("sid");
        // The last allowed attempt, to a port nothing listens on.
        Sql.rows(
                pool,
                "INSERT INTO backchannel_deliveries (session_id, client_id, subject, uri, attempts)"
                        + " VALUES ($1::uuid, 'app-b', 'x', 'http://127.0.0.1:9/bc', 11)",
                sid);
        Await.until(
                "the delivery is abandoned",
                DEADLINE,
                () -> Sql.count(
                                pool,
                                "SELECT count(*) FROM backchannel_deliveries WHERE session_id = $1::uuid"
                                        + " AND client_id = 'app-b' AND abandoned_at IS NOT NULL",
                                sid)
                        == 1);
    }

    @Test
    void anAppThatNeverAnswersDoesNotHoldBackAnotherAppsLogoutToken() throws Exception {
        List<HttpServerResponse> held = new CopyOnWriteArrayList<>();
        HttpServer stalled = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> held.add(request.response())));
        Await.result(stalled.listen(0, "127.0.0.1"));
        Sql.rows(
                pool,
                "INSERT INTO backchannel_deliveries (session_id, client_id, subject, uri)"
                        + " VALUES (gen_random_uuid(), 'app-stalled', 'x', $1)",
                "http://127.0.0.1:" + stalled.actualPort() + "/bc");
        Await.until("the stalled app holding its logout token", DEADLINE, () -> held.size() == 1);

        JsonObject tokens = signIn(new TestBrowser(auth.client()), "app-a", "fay");
        String sid = claims(tokens.getString("access_token")).getString("sid");
        Await.result(auth.client()
                .post("/logout")
                .putHeader("Authorization", "Bearer " + tokens.getString("access_token"))
                .send());
        awaitTokens(sid, 1);
        assertFalse(held.get(0).closed(), "delivered while the stalled request was still open, before its timeout");

        held.stream().filter(response -> !response.closed()).forEach(response -> response.setStatusCode(200)
                .end());
        Await.result(stalled.close());
    }

    /** Waits until {@code count} logout tokens for {@code sid} arrived; verifies each with Nimbus, by audience. */
    private static Map<String, JWTClaimsSet> awaitTokens(String sid, int count) throws Exception {
        Await.until(
                "logout tokens for the session", DEADLINE, () -> forSession(sid).size() >= count);
        List<String> tokens = forSession(sid);
        assertEquals(count, tokens.size(), "exactly once per (session, client)");
        Map<String, JWTClaimsSet> byApp = new java.util.HashMap<>();
        for (String token : tokens) {
            String app = SignedJWT.parse(token).getJWTClaimsSet().getAudience().get(0);
            byApp.put(
                    app,
                    AccessTokens.verifyTyped(
                            token,
                            "logout+jwt",
                            stack.jwksUrl(),
                            app,
                            Set.of("iat", "exp", "jti", "sid", "sub", "events")));
            assertEquals(sid, byApp.get(app).getStringClaim("sid"));
        }
        return byApp;
    }

    private static String sid(JsonObject tokens) {
        return claims(tokens.getString("access_token")).getString("sid");
    }

    private static HttpResponse<Buffer> refresh(String app, String refreshToken) {
        return auth.token(null, "grant_type=refresh_token&client_id=" + app + "&refresh_token=" + refreshToken);
    }

    private static String adminToken() {
        HttpResponse<Buffer> token =
                auth.postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        assertEquals(200, token.statusCode(), token.bodyAsString());
        return token.bodyAsJsonObject().getString("access_token");
    }

    private static void adminPost(String path, String token, JsonObject body) {
        HttpResponse<Buffer> response = Await.result(auth.client()
                .post(path)
                .putHeader("Authorization", "Bearer " + token)
                .sendJsonObject(body));
        assertEquals(2, response.statusCode() / 100, path + ": " + response.bodyAsString());
    }

    private static List<String> forSession(String sid) {
        return receiver.tokens.stream()
                .filter(t -> sid.equals(claims(t).getString("sid")))
                .toList();
    }

    private static JsonObject signIn(TestBrowser browser, String app, String user) {
        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> token = exchange(app, code(browser, app, user, pkce), pkce);
        assertEquals(200, token.statusCode(), token.bodyAsString());
        return token.bodyAsJsonObject();
    }

    private static String code(TestBrowser browser, String app, String user, Pkce pkce) {
        HttpResponse<Buffer> authorize = browser.get("/oauth2/authorize?response_type=code&client_id=" + app
                + "&state=s&code_challenge=" + pkce.challenge() + "&code_challenge_method=S256");
        String location = authorize.getHeader("Location");
        if (location.startsWith("/login/")) {
            HttpResponse<Buffer> page = browser.get(location);
            HttpResponse<Buffer> done = browser.post(
                    location, "csrf", TestBrowser.csrf(page), "username", user, "password", user + "-password-1");
            assertEquals(303, done.statusCode(), done.bodyAsString());
            location = done.getHeader("Location");
        }
        return TestBrowser.query(location).get("code");
    }

    private static HttpResponse<Buffer> exchange(String app, String code, Pkce pkce) {
        return auth.token(
                null,
                "grant_type=authorization_code&client_id=" + app + "&code=" + encode(code) + "&code_verifier="
                        + pkce.verifier());
    }
}
