package io.latchkey.auth.revocation;

import static io.latchkey.auth.revocation.Logins.bearer;
import static io.latchkey.auth.revocation.Logins.login;
import static io.latchkey.auth.revocation.Logins.logout;
import static io.latchkey.auth.test.AccessTokens.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.SseClient;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /logout} over real HTTP against real key-service signatures and real PostgreSQL. */
class LogoutTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static TestAuthServer auth;
    static HttpClient http;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        auth = stack.auth();
        pool = db.pool(vertx);
        http = vertx.createHttpClient();
        TestClients.publicClient(Logins.APP).insert(pool);
        TestClients.revocationReader(Logins.READER).insert(pool);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        for (String user : List.of("ann", "bob", "cid", "dee")) {
            TestUsers.insert(pool, user, user + "-password-1");
        }
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(http.close());
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void logoutWhenTokenValidThenTokenInactiveAndSidEntryReachesStreamClient() {
        SseClient stream = Await.result(SseClient.open(http, auth.port(), Logins.readerBasic(), null));
        JsonObject tokens = login(auth, "ann", "ann-password-1");
        String sid = claims(tokens.getString("access_token")).getString("sid");
        assertTrue(Logins.active(auth, tokens.getString("access_token")));

        HttpResponse<Buffer> response = logout(auth, "", bearer(tokens));

        assertEquals(204, response.statusCode());
        assertEquals(null, response.body());
        assertFalse(Logins.active(auth, tokens.getString("access_token")));
        SseClient.Seen seen = Await.result(stream.until(s -> s.events().stream()
                .anyMatch(e -> "sid".equals(e.data().getString("type"))
                        && sid.equals(e.data().getString("value")))));
        JsonObject entry = seen.events().stream()
                .filter(e -> sid.equals(e.data().getString("value")))
                .findFirst()
                .orElseThrow()
                .data();
        long exp = claims(tokens.getString("access_token")).getLong("exp");
        assertTrue(entry.getLong("expires_at") >= exp + 60, entry.encode());
        assertEquals(
                invalidGrant(),
                Logins.refresh(auth, tokens.getString("refresh_token")).bodyAsJsonObject());
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'logout' AND session_id = $1::uuid",
                        sid));
        stream.close();
    }

    @Test
    void logoutWhenOtherSessionOfSameUserOpenThenThatSessionStaysActive() {
        JsonObject first = login(auth, "bob", "bob-password-1");
        JsonObject second = login(auth, "bob", "bob-password-1");

        assertEquals(204, logout(auth, "?everywhere=false", bearer(first)).statusCode());

        assertFalse(Logins.active(auth, first.getString("access_token")));
        assertTrue(Logins.active(auth, second.getString("access_token")));
        assertEquals(
                200, Logins.refresh(auth, second.getString("refresh_token")).statusCode());
    }

    @Test
    void logoutEverywhereWhenNewLoginFollowsImmediatelyThenOldTokensDieAndNewTokenWorks() {
        JsonObject first = login(auth, "cid", "cid-password-1");
        JsonObject second = login(auth, "cid", "cid-password-1");
        String userId = claims(first.getString("access_token")).getString("sub");

        assertEquals(204, logout(auth, "?everywhere=true", bearer(first)).statusCode());
        JsonObject fresh = login(auth, "cid", "cid-password-1");

        assertFalse(Logins.active(auth, first.getString("access_token")));
        assertFalse(Logins.active(auth, second.getString("access_token")));
        assertEquals(
                invalidGrant(),
                Logins.refresh(auth, second.getString("refresh_token")).bodyAsJsonObject());
        assertTrue(Logins.active(auth, fresh.getString("access_token")));
        assertEquals(200, Logins.refresh(auth, fresh.getString("refresh_token")).statusCode());
        List<JsonObject> entries = Logins.revocations(auth);
        JsonObject sub = entries.stream()
                .filter(e -> "sub".equals(e.getString("type")) && userId.equals(e.getString("value")))
                .findFirst()
                .orElseThrow();
        long tokensNotBefore =
                Sql.count(pool, "SELECT tokens_not_before FROM users WHERE id = $1", UUID.fromString(userId));
        assertEquals(tokensNotBefore, sub.getLong("not_before"));
        assertTrue(claims(fresh.getString("access_token")).getLong("iat") >= tokensNotBefore);
        for (JsonObject tokens : List.of(first, second)) {
            String sid = claims(tokens.getString("access_token")).getString("sid");
            assertTrue(
                    entries.stream()
                            .anyMatch(e -> "sid".equals(e.getString("type")) && sid.equals(e.getString("value"))),
                    sid);
        }
    }

    @Test
    void logoutWhenTokenHasNoSidThenInvalidRequestAndNothingListed() {
        String token = auth.token("svc", "grant_type=client_credentials")
                .bodyAsJsonObject()
                .getString("access_token");
        int before = Logins.revocations(auth).size();

        HttpResponse<Buffer> response = logout(auth, "", "Bearer " + token);

        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "The access token belongs to no session (it has no sid)"),
                response.bodyAsJsonObject());
        assertEquals(before, Logins.revocations(auth).size());
        assertTrue(Logins.active(auth, token));
    }

    @Test
    void logoutWhenTokenBadOrAlreadyLoggedOutThenUnauthorizedWithBearerChallenge() {
        JsonObject tokens = login(auth, "dee", "dee-password-1");
        assertEquals(204, logout(auth, "", bearer(tokens)).statusCode());
        String tampered = tokens.getString("access_token").substring(0, 40) + "x"
                + tokens.getString("access_token").substring(41);

        for (String header : List.of("Bearer garbage", bearer(tokens), "Bearer " + tampered, "Basic abc")) {
            HttpResponse<Buffer> response = logout(auth, "", header);

            assertEquals(401, response.statusCode(), header);
            String description = header.startsWith("Basic")
                    ? "The access token is malformed"
                    : "The access token is invalid, expired or revoked";
            assertEquals(
                    "Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"" + description + "\"",
                    response.getHeader("WWW-Authenticate"),
                    header);
            assertEquals(
                    new JsonObject().put("error", "invalid_token").put("error_description", description),
                    response.bodyAsJsonObject(),
                    header);
        }
    }

    @Test
    void logoutWhenNoAuthorizationThenUnauthorizedWithBareChallenge() {
        HttpResponse<Buffer> response = logout(auth, "", null);

        assertEquals(401, response.statusCode());
        assertEquals("Bearer realm=\"latchkey\"", response.getHeader("WWW-Authenticate"));
        assertEquals(
                new JsonObject().put("error", "invalid_token").put("error_description", "A bearer token is required"),
                response.bodyAsJsonObject());
    }

    @Test
    void logoutWhenEverywhereMalformedThenInvalidRequest() {
        HttpResponse<Buffer> response = logout(auth, "?everywhere=yes", "Bearer whatever");

        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "everywhere must appear at most once, as true or false"),
                response.bodyAsJsonObject());
    }

    static JsonObject invalidGrant() {
        return new JsonObject()
                .put("error", "invalid_grant")
                .put("error_description", "The refresh token is invalid, expired or revoked");
    }
}
