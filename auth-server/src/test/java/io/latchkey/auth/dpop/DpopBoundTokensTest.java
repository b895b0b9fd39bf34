package io.latchkey.auth.dpop;

import static io.latchkey.auth.dpop.DpopTokenEndpointTest.assertError;
import static io.latchkey.auth.dpop.DpopTokenEndpointTest.token;
import static io.latchkey.auth.test.TestBrowser.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.DpopKey;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What a DPoP binding is for: a stolen token is useless without the key. A public client's bound refresh token is
 * refused with another key or without a proof, and the refusal burns nothing; a bound access token is accepted at
 * userinfo only with a fresh proof of its key and refused as Bearer.
 */
class DpopBoundTokensTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String TOKEN_URL = DpopTokenEndpointTest.HTU;
    static final String USERINFO_URL = TestAuthServer.ISSUER + "/oauth2/userinfo";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        pool = db.pool(vertx);
        TestClients.publicClient("app")
                .scopes("openid", "profile", "notes:read")
                .insert(pool);
        TestClients.confidential("svc")
                .grants("password", "refresh_token")
                .scopes("openid")
                .insert(pool);
        TestClients.confidential("ops")
                .scopes("admin")
                .audience(TestAuthServer.ISSUER)
                .insert(pool);
        for (String user : new String[] {"alice", "bob", "carol", "dan", "erin"}) {
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
    void refreshWhenBoundTokenPresentedWithAnotherKeyOrNoProofThenRefusedAndTheTokenStillWorksWithItsKey() {
        DpopKey key = DpopKey.es256();
        JsonObject login = login("alice", key);
        String refresh = login.getString("refresh_token");
        String form = "grant_type=refresh_token&client_id=app&refresh_token=" + encode(refresh);

        assertError(
                token(stack.auth(), null, form, DpopKey.es256().proof("POST", TOKEN_URL)), 400, "invalid_dpop_proof");
        assertError(
                token(stack.auth(), null, form, DpopKey.ed25519("EdDSA").proof("POST", TOKEN_URL)),
                400,
                "invalid_dpop_proof");
        assertError(token(stack.auth(), null, form), 400, "invalid_dpop_proof");
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM refresh_tokens WHERE client_id = 'app' AND used_at IS NOT NULL"
                                + " AND session_id = (SELECT session_id FROM refresh_tokens WHERE dpop_jkt = $1 LIMIT 1)",
                        key.thumbprint()),
                "nothing rotated");
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL"
                                + " AND user_id = (SELECT id FROM users WHERE username = 'alice')"),
                "the session is still open");

        HttpResponse<Buffer> refreshed = token(stack.auth(), null, form, key.proof("POST", TOKEN_URL));
        assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
        assertEquals("DPoP", refreshed.bodyAsJsonObject().getString("token_type"));
        String next = refreshed.bodyAsJsonObject().getString("refresh_token");
        assertError(
                token(stack.auth(), null, "grant_type=refresh_token&client_id=app&refresh_token=" + encode(next)),
                400,
                "invalid_dpop_proof");
        assertEquals(
                200,
                token(
                                stack.auth(),
                                null,
                                "grant_type=refresh_token&client_id=app&refresh_token=" + encode(next),
                                key.proof("POST", TOKEN_URL))
                        .statusCode(),
                "the successor inherits the binding");
    }

    @Test
    void refreshWhenConfidentialClientsTokenThenNotBoundButAProofStillBindsTheAccessToken() {
        HttpResponse<Buffer> login =
                stack.auth().token("svc", "grant_type=password&username=bob&password=bob-password-1");
        assertEquals(200, login.statusCode());
        String refresh = login.bodyAsJsonObject().getString("refresh_token");
        DpopKey key = DpopKey.rs256();
        HttpResponse<Buffer> refreshed = token(
                stack.auth(),
                "svc",
                "grant_type=refresh_token&refresh_token=" + encode(refresh),
                key.proof("POST", TOKEN_URL));
        assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
        assertEquals("DPoP", refreshed.bodyAsJsonObject().getString("token_type"));
        assertEquals(key.thumbprint(), DpopTokenEndpointTest.cnf(refreshed));
        assertEquals(
                0,
                Sql.count(
                        pool, "SELECT count(*) FROM refresh_tokens WHERE client_id = 'svc' AND dpop_jkt IS NOT NULL"));
    }

    @Test
    void userinfoWhenDpopSchemeWithAProofOfTheKeyThenClaims() {
        DpopKey key = DpopKey.es256();
        String accessToken = login("carol", key).getString("access_token");
        for (String method : new String[] {"GET", "POST"}) {
            HttpResponse<Buffer> answer = userinfo(
                    method,
                    "DPoP " + accessToken,
                    key.builder(method, USERINFO_URL).ath(accessToken).sign());
            assertEquals(200, answer.statusCode(), answer.bodyAsString());
            assertTrue(answer.bodyAsJsonObject().containsKey("sub"));
        }
    }

    @Test
    void userinfoWhenBoundTokenStolenThenRefusedAsBearerAndWithAnyOtherProof() {
        DpopKey key = DpopKey.es256();
        String accessToken = login("dan", key).getString("access_token");
        DpopKey thief = DpopKey.es256();

        assertChallenge(userinfo("GET", "Bearer " + accessToken), "invalid_token");
        assertChallenge(
                userinfo(
                        "GET",
                        "DPoP " + accessToken,
                        thief.builder("GET", USERINFO_URL).ath(accessToken).sign()),
                "invalid_dpop_proof");
        assertChallenge(userinfo("GET", "DPoP " + accessToken), "invalid_dpop_proof");
        assertChallenge(
                userinfo(
                        "GET",
                        "DPoP " + accessToken,
                        key.builder("GET", USERINFO_URL).ath("another-token").sign()),
                "invalid_dpop_proof");
        assertChallenge(
                userinfo(
                        "GET",
                        "DPoP " + accessToken,
                        key.builder("GET", USERINFO_URL).sign()),
                "invalid_dpop_proof");
        assertChallenge(
                userinfo(
                        "GET",
                        "DPoP " + accessToken,
                        key.builder("POST", USERINFO_URL).ath(accessToken).sign()),
                "invalid_dpop_proof");
        assertChallenge(
                userinfo(
                        "GET",
                        "DPoP " + accessToken,
                        key.builder("GET", TOKEN_URL).ath(accessToken).sign()),
                "invalid_dpop_proof");

        String proof = key.builder("GET", USERINFO_URL).ath(accessToken).sign();
        assertEquals(200, userinfo("GET", "DPoP " + accessToken, proof).statusCode());
        assertChallenge(userinfo("GET", "DPoP " + accessToken, proof), "invalid_dpop_proof");
    }

    @Test
    void userinfoWhenUnboundTokenSentWithTheDpopSchemeThenRefused() {
        HttpResponse<Buffer> login =
                token(stack.auth(), null, "grant_type=password&client_id=app&username=alice&password=alice-password-1");
        String accessToken = login.bodyAsJsonObject().getString("access_token");
        assertEquals(200, userinfo("GET", "Bearer " + accessToken).statusCode());
        DpopKey key = DpopKey.es256();
        assertChallenge(
                userinfo(
                        "GET",
                        "DPoP " + accessToken,
                        key.builder("GET", USERINFO_URL).ath(accessToken).sign()),
                "invalid_token");
    }

    @Test
    void logoutWhenBoundTokenThenOnlyWithAProofOfItsKey() {
        DpopKey key = DpopKey.es256();
        String accessToken = login("erin", key).getString("access_token");
        String logoutUrl = TestAuthServer.ISSUER + "/logout";
        assertChallenge(logout("Bearer " + accessToken), "invalid_token");
        assertChallenge(
                logout(
                        "DPoP " + accessToken,
                        DpopKey.es256()
                                .builder("POST", logoutUrl)
                                .ath(accessToken)
                                .sign()),
                "invalid_dpop_proof");
        assertEquals(0, openSessionsEnded("erin"), "the refusals ended nothing");
        assertEquals(
                204,
                logout(
                                "DPoP " + accessToken,
                                key.builder("POST", logoutUrl).ath(accessToken).sign())
                        .statusCode());
        assertEquals(1, openSessionsEnded("erin"));
    }

    @Test
    void adminApiWhenBoundTokenPresentedAsBearerThenRefused() {
        HttpResponse<Buffer> issued = token(
                stack.auth(),
                "ops",
                "grant_type=client_credentials",
                DpopKey.es256().proof("POST", TOKEN_URL));
        assertEquals(200, issued.statusCode(), issued.bodyAsString());
        assertEquals("DPoP", issued.bodyAsJsonObject().getString("token_type"));
        HttpResponse<Buffer> refused = Await.result(stack.auth()
                .client()
                .post("/admin/clients")
                .putHeader(
                        "Authorization", "Bearer " + issued.bodyAsJsonObject().getString("access_token"))
                .sendJsonObject(new JsonObject()));
        assertEquals(401, refused.statusCode(), refused.bodyAsString());
        assertEquals("invalid_token", refused.bodyAsJsonObject().getString("error"));
    }

    private static long openSessionsEnded(String user) {
        return Sql.count(
                pool,
                "SELECT count(*) FROM sessions WHERE ended_at IS NOT NULL AND user_id = (SELECT id FROM users WHERE username = $1)",
                user);
    }

    private static HttpResponse<Buffer> logout(String authorization, String... proofs) {
        HttpRequest<Buffer> request = stack.auth().client().post("/logout").putHeader("Authorization", authorization);
        for (String proof : proofs) {
            request.headers().add("DPoP", proof);
        }
        return Await.result(request.send());
    }

    private static JsonObject login(String user, DpopKey key) {
        HttpResponse<Buffer> login = token(
                stack.auth(),
                null,
                "grant_type=password&client_id=app&scope=openid+profile&username=" + user + "&password=" + user
                        + "-password-1",
                key.proof("POST", TOKEN_URL));
        assertEquals(200, login.statusCode(), login.bodyAsString());
        return login.bodyAsJsonObject();
    }

    private static HttpResponse<Buffer> userinfo(String method, String authorization, String... proofs) {
        HttpRequest<Buffer> request = "GET".equals(method)
                ? stack.auth().client().get("/oauth2/userinfo")
                : stack.auth().client().post("/oauth2/userinfo");
        request.putHeader("Authorization", authorization);
        for (String proof : proofs) {
            request.headers().add("DPoP", proof);
        }
        return Await.result(request.send());
    }

    private static void assertChallenge(HttpResponse<Buffer> response, String error) {
        assertEquals(401, response.statusCode(), response.bodyAsString());
        assertEquals(error, response.bodyAsJsonObject().getString("error"), response.bodyAsString());
        String challenge = response.getHeader("WWW-Authenticate");
        assertTrue(challenge.startsWith("DPoP algs=\"ES256 RS256 EdDSA\""), challenge);
        assertTrue(challenge.contains("error=\"" + error + "\""), challenge);
    }
}
