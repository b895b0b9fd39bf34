package io.latchkey.auth.revocation;

import static io.latchkey.auth.revocation.Logins.active;
import static io.latchkey.auth.revocation.Logins.login;
import static io.latchkey.auth.revocation.Logins.revocations;
import static io.latchkey.auth.test.AccessTokens.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RFC 7009 {@code POST /oauth2/revoke} over real HTTP against real key-service signatures and real PostgreSQL. */
class TokenRevocationTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

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
        TestClients.publicClient(Logins.APP).insert(pool);
        TestClients.publicClient("other-app").insert(pool);
        TestClients.revocationReader(Logins.READER).insert(pool);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        TestClients.confidential("other-svc").scopes("notes:read").insert(pool);
        TestClients.confidential("flood").scopes("notes:read").insert(pool);
        TestUsers.insert(pool, "eve", "eve-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void revokeWhenRefreshTokenOfCallerThenSessionEndsAndSidListed() {
        JsonObject tokens = login(auth, "eve", "eve-password-1");
        String sid = claims(tokens.getString("access_token")).getString("sid");

        HttpResponse<Buffer> response = revokePublic(
                Logins.APP, "token=" + tokens.getString("refresh_token") + "&token_type_hint=refresh_token");

        assertRevokeAnswer(response);
        assertEquals(
                LogoutTest.invalidGrant(),
                Logins.refresh(auth, tokens.getString("refresh_token")).bodyAsJsonObject());
        assertFalse(active(auth, tokens.getString("access_token")));
        assertTrue(revocations(auth).stream()
                .anyMatch(e -> "sid".equals(e.getString("type")) && sid.equals(e.getString("value"))));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'token_revoked' AND session_id = $1::uuid"
                                + " AND detail->>'token_type' = 'refresh_token'",
                        sid));
    }

    @Test
    void revokeWhenAccessTokenOfCallerThenJtiListedUntilExpPlusSixty() {
        String token = clientToken("svc");
        JsonObject claims = claims(token);

        HttpResponse<Buffer> response = revokeConfidential("svc", "token=" + token);

        assertRevokeAnswer(response);
        assertFalse(active(auth, token));
        JsonObject entry = revocations(auth).stream()
                .filter(e -> claims.getString("jti").equals(e.getString("value")))
                .findFirst()
                .orElseThrow();
        assertEquals(
                new JsonObject()
                        .put("seq", entry.getLong("seq"))
                        .put("type", "jti")
                        .put("value", claims.getString("jti"))
                        .put("expires_at", claims.getLong("exp") + 60),
                entry);
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'token_revoked' AND detail->>'jti' = $1",
                        claims.getString("jti")));
    }

    @Test
    void revokeWhenHintIsWrongThenTokenStillRevoked() {
        String token = clientToken("svc");

        assertRevokeAnswer(revokeConfidential("svc", "token=" + token + "&token_type_hint=refresh_token"));

        assertFalse(active(auth, token));
        JsonObject tokens = login(auth, "eve", "eve-password-1");
        assertRevokeAnswer(revokePublic(
                Logins.APP, "token=" + tokens.getString("refresh_token") + "&token_type_hint=access_token"));
        assertEquals(
                400, Logins.refresh(auth, tokens.getString("refresh_token")).statusCode());
    }

    @Test
    void revokeWhenTokensBelongToAnotherClientThenOkAndNothingChanges() {
        String access = clientToken("svc");
        JsonObject tokens = login(auth, "eve", "eve-password-1");
        int before = revocations(auth).size();

        assertRevokeAnswer(revokeConfidential("other-svc", "token=" + access));
        assertRevokeAnswer(revokeConfidential("other-svc", "token=" + tokens.getString("access_token")));
        assertRevokeAnswer(revokePublic("other-app", "token=" + tokens.getString("refresh_token")));

        assertEquals(before, revocations(auth).size());
        assertTrue(active(auth, access));
        assertTrue(active(auth, tokens.getString("access_token")));
        assertEquals(
                200, Logins.refresh(auth, tokens.getString("refresh_token")).statusCode());
    }

    @Test
    void revokeWhenTokenIsGarbageThenOkAndNothingChanges() {
        int before = revocations(auth).size();
        String forged = clientToken("svc");
        forged = forged.substring(0, forged.lastIndexOf('.') + 1) + "AAAA";

        for (String token : List.of("garbage", "a.b.c", "x".repeat(4000), "%25zz", forged)) {
            assertRevokeAnswer(revokeConfidential("svc", "token=" + token));
        }

        assertEquals(before, revocations(auth).size());
    }

    @Test
    void revokeWhenClientAuthenticationFailsThenInvalidClient() {
        HttpResponse<Buffer> response = auth.postForm("/oauth2/revoke", "svc", "wrong-secret", "token=whatever");

        assertEquals(401, response.statusCode());
        assertEquals("Basic realm=\"latchkey\", charset=\"UTF-8\"", response.getHeader("WWW-Authenticate"));
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_client")
                        .put("error_description", "Client authentication failed"),
                response.bodyAsJsonObject());
    }

    @Test
    void revokeWhenTokenMissingThenInvalidRequest() {
        HttpResponse<Buffer> response = revokeConfidential("svc", "token_type_hint=access_token");

        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "The parameter token is required"),
                response.bodyAsJsonObject());
    }

    @Test
    void revokeWhenClientExceedsTwentyPerSecondThenTemporarilyUnavailableWithRetryAfter() {
        List<Future<HttpResponse<Buffer>>> sent = new ArrayList<>();
        long started = System.nanoTime();
        for (int i = 0; i < 60; i++) {
            sent.add(auth.client()
                    .post("/oauth2/revoke")
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .putHeader("Authorization", TestAuthServer.basic("flood", TestClients.secretOf("flood")))
                    .sendBuffer(Buffer.buffer("token=garbage-" + i)));
        }
        Await.result(Future.all(sent));
        double elapsedSeconds = (System.nanoTime() - started) / 1e9;
        List<HttpResponse<Buffer>> refused = sent.stream()
                .map(Future::result)
                .filter(r -> r.statusCode() == 503)
                .toList();
        long admitted =
                sent.stream().filter(f -> f.result().statusCode() == 200).count();

        assertEquals(60, admitted + refused.size());
        // 20 at once, plus at most what refills (20/s) while the burst is served, which takes well under 2 s.
        assertTrue(admitted >= 20 && admitted <= 20 + Math.ceil(20 * elapsedSeconds), "admitted " + admitted);
        assertTrue(admitted < 60, "admitted " + admitted + " in " + elapsedSeconds + " s");
        for (HttpResponse<Buffer> response : refused) {
            assertEquals("1", response.getHeader("Retry-After"));
            assertEquals(
                    new JsonObject()
                            .put("error", "temporarily_unavailable")
                            .put("error_description", "Too many revocation requests; try again later"),
                    response.bodyAsJsonObject());
        }
        assertEquals(200, revokeConfidential("svc", "token=garbage").statusCode());
    }

    static void assertRevokeAnswer(HttpResponse<Buffer> response) {
        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertNull(response.body());
        assertEquals("no-store", response.getHeader("Cache-Control"));
    }

    static String clientToken(String clientId) {
        return clientToken(auth, clientId);
    }

    static String clientToken(TestAuthServer server, String clientId) {
        return server.token(clientId, "grant_type=client_credentials")
                .bodyAsJsonObject()
                .getString("access_token");
    }

    static HttpResponse<Buffer> revokeConfidential(String clientId, String form) {
        return auth.postForm("/oauth2/revoke", clientId, TestClients.secretOf(clientId), form);
    }

    static HttpResponse<Buffer> revokePublic(String clientId, String form) {
        return auth.postForm("/oauth2/revoke", null, null, "client_id=" + clientId + "&" + form);
    }
}
