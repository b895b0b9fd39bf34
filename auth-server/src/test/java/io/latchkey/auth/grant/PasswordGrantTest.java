package io.latchkey.auth.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.password.Argon2id;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.LogCapture;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The password grant: success, identical failures, throttling, rehash, audit, log hygiene. */
class PasswordGrantTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String BAD =
            "{\"error\":\"invalid_grant\",\"error_description\":\"The username or password is incorrect\"}";
    static final String THROTTLED =
            "{\"error\":\"invalid_grant\",\"error_description\":\"Too many failed logins; try again later\"}";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static UUID alice;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        // The socket peer 127.0.0.1 is a trusted proxy here, so each test picks its client IP with X-Forwarded-For.
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_TRUSTED_PROXIES", "127.0.0.1/32"));
        pool = db.pool(vertx);
        TestClients.publicClient("app").scopes("notes:read", "notes:write").insert(pool);
        TestClients.confidential("web")
                .grants("password", "refresh_token")
                .scopes("notes:read")
                .insert(pool);
        alice = TestUsers.insert(pool, "alice", "alice-password-1");
        UUID bob = TestUsers.insert(pool, "bob", "bob-password-1");
        TestUsers.disable(pool, bob);
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    static HttpResponse<Buffer> login(String ip, String username, String password) {
        return Await.result(stack.auth()
                .client()
                .request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .putHeader("X-Forwarded-For", ip)
                .sendBuffer(Buffer.buffer(
                        "grant_type=password&client_id=app&username=" + username + "&password=" + password)));
    }

    static long argon2Operations() {
        String metrics = stack.auth().management("/metrics").bodyAsString();
        Matcher m = Pattern.compile("latchkey_argon2_operations_total (\\d+)").matcher(metrics);
        assertTrue(m.find());
        assertTrue(metrics.contains("latchkey_argon2_in_flight "), metrics);
        return Long.parseLong(m.group(1));
    }

    @Test
    void tokenWhenPasswordGrantByPublicClientThenSessionAndRefreshToken() throws Exception {
        var response = login("198.51.100.1", "alice", "alice-password-1");
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("notes:read notes:write", body.getString("scope"));
        assertTrue(body.getString("refresh_token").length() >= 43);
        JWTClaimsSet claims = AccessTokens.verify(body.getString("access_token"), stack.jwksUrl(), "resource-demo");
        assertEquals(alice.toString(), claims.getSubject());
        assertEquals("app", claims.getStringClaim("client_id"));
        String sid = claims.getStringClaim("sid");
        assertNotNull(sid);
        assertNotNull(claims.getLongClaim("auth_time"));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM sessions WHERE id = $1::uuid AND ended_at IS NULL", sid));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'login' AND session_id = $1::uuid"
                                + " AND ip = '198.51.100.1'::inet",
                        sid));
    }

    @Test
    void tokenWhenConfidentialClientNarrowsScopeThenNarrowedToken() throws Exception {
        var response = stack.auth()
                .token("web", "grant_type=password&username=ALICE&password=alice-password-1&scope=notes%3Aread");
        assertEquals(200, response.statusCode());
        JWTClaimsSet claims = AccessTokens.verify(
                response.bodyAsJsonObject().getString("access_token"), stack.jwksUrl(), "resource-demo");
        assertEquals("notes:read", claims.getStringClaim("scope"));
    }

    @Test
    void tokenWhenUnknownUserWrongPasswordOrDisabledUserThenSameBodyAndArgon2Spent() {
        String ip = "198.51.100.2";
        long before = argon2Operations();
        var unknown = login(ip, "nobody", "whatever-1");
        var wrong = login(ip, "alice", "wrong-password");
        var disabled = login(ip, "bob", "bob-password-1");
        for (var response : java.util.List.of(unknown, wrong, disabled)) {
            assertEquals(400, response.statusCode());
            assertEquals(BAD, response.bodyAsString());
            assertEquals("no-store", response.getHeader("Cache-Control"));
        }
        // Each of the three paid one Argon2 verification: the dummy hash, alice's, bob's.
        assertEquals(before + 3, argon2Operations());
        assertEquals(
                3,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'login_failed' AND ip = $1::text::inet",
                        ip));
    }

    @Test
    void tokenWhenFiveFailuresForUserAndIpThenThrottledWithoutArgon2AndOtherIpUnaffected() {
        String ip = "203.0.113.7";
        for (int i = 0; i < 5; i++) {
            assertEquals(BAD, login(ip, "alice", "wrong-" + i).bodyAsString());
        }
        long before = argon2Operations();
        var throttled = login(ip, "alice", "alice-password-1");
        assertEquals(400, throttled.statusCode());
        assertEquals(THROTTLED, throttled.bodyAsString());
        assertEquals("1", throttled.getHeader("Retry-After"));
        assertEquals(before, argon2Operations());
        // The same user from another address is not locked out.
        assertEquals(200, login("203.0.113.8", "alice", "alice-password-1").statusCode());
    }

    @Test
    void tokenWhenFiftyFailuresFromOneIpThenEveryUsernameThrottledThere() {
        String ip = "192.0.2.50";
        for (int i = 0; i < 50; i++) {
            assertEquals(BAD, login(ip, "spray" + i, "guess").bodyAsString());
        }
        var throttled = login(ip, "alice", "alice-password-1");
        assertEquals(THROTTLED, throttled.bodyAsString());
        long retryAfter = Long.parseLong(throttled.getHeader("Retry-After"));
        assertTrue(retryAfter > 500 && retryAfter <= 600, "Retry-After " + retryAfter);
        assertEquals(200, login("192.0.2.51", "alice", "alice-password-1").statusCode());
    }

    @Test
    void tokenWhenLoginSucceedsThenBackOffOfThatUserAndIpClearedAndIpWindowKept() {
        String ip = "198.51.100.20";
        for (int i = 0; i < 4; i++) {
            assertEquals(BAD, login(ip, "alice", "wrong-" + i).bodyAsString());
        }
        String userIpRows = "SELECT count(*) FROM login_failures_by_user_ip WHERE ip = $1::text::inet";
        String ipFailures = "SELECT coalesce(sum(failures), 0) FROM login_failures_by_ip WHERE ip = $1::text::inet";
        assertEquals(1, Sql.count(pool, userIpRows, ip));
        assertEquals(200, login(ip, "alice", "alice-password-1").statusCode());
        assertEquals(0, Sql.count(pool, userIpRows, ip));
        assertEquals(4, Sql.count(pool, ipFailures, ip));
        // Counting starts again: four more failures are still not a fifth.
        for (int i = 0; i < 4; i++) {
            assertEquals(BAD, login(ip, "alice", "wrong-again-" + i).bodyAsString());
        }
        assertEquals(200, login(ip, "alice", "alice-password-1").statusCode());
    }

    @Test
    void tokenWhenPasswordChangesWhileLoginWaitsOnTheUserRowThenRefusedAndNothingWritten() {
        String ip = "198.51.100.21";
        UUID dave = TestUsers.insert(pool, "dave", "dave-password-1");
        assertEquals(BAD, login(ip, "dave", "wrong-1").bodyAsString());
        String changed = new Argon2id(TestUsers.TEST_ARGON2).hash("dave-password-2".toCharArray());

        SqlConnection admin = Await.result(pool.getConnection());
        try {
            Transaction tx = Await.result(admin.begin());
            Await.result(admin.preparedQuery("SELECT 1 FROM users WHERE id = $1 FOR UPDATE")
                    .execute(Tuple.of(dave)));
            var pending = stack.auth()
                    .client()
                    .request(HttpMethod.POST, "/oauth2/token")
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .putHeader("X-Forwarded-For", ip)
                    .sendBuffer(
                            Buffer.buffer("grant_type=password&client_id=app&username=dave&password=dave-password-1"));
            // The login verified the old password and now waits for the row lock, its writes queued behind.
            Await.until(
                    "the login waiting on the user row's lock",
                    Duration.ofSeconds(30),
                    () -> Sql.count(
                                    pool,
                                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                            + " AND query LIKE '%FOR SHARE%'")
                            == 1);
            Await.result(admin.preparedQuery("UPDATE users SET password_hash = $2 WHERE id = $1")
                    .execute(Tuple.of(dave, changed)));
            Await.result(tx.commit());

            var refused = Await.result(pending);
            assertEquals(400, refused.statusCode());
            assertEquals(BAD, refused.bodyAsString());
        } finally {
            Await.result(admin.close());
        }
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM sessions WHERE user_id = $1", dave));
        assertEquals(
                0, Sql.count(pool, "SELECT count(*) FROM audit_events WHERE event = 'login' AND user_id = $1", dave));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM login_failures_by_user_ip WHERE ip = $1::text::inet AND failures = 1",
                        ip));
        assertEquals(200, login(ip, "dave", "dave-password-2").statusCode());
    }

    @Test
    void tokenWhenArgon2ParametersChangedThenPasswordRehashedAtLogin() {
        UUID carol = TestUsers.insert(pool, "carol", "carol-password-1", new Argon2Settings(512, 1, 1, 1, 1));
        assertEquals(200, login("198.51.100.3", "carol", "carol-password-1").statusCode());
        String hash = Sql.rows(pool, "SELECT password_hash FROM users WHERE id = $1", carol)
                .get(0)
                .getString(0);
        assertTrue(hash.startsWith("$argon2id$v=19$m=256,t=1,p=1$"), hash);
        assertEquals(200, login("198.51.100.3", "carol", "carol-password-1").statusCode());
    }

    @Test
    void tokenWhenPasswordMissingThenInvalidRequest() {
        var response =
                stack.auth().postForm("/oauth2/token", null, null, "grant_type=password&client_id=app&username=alice");
        assertEquals(400, response.statusCode());
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"The parameter password is required\"}",
                response.bodyAsString());
    }

    @Test
    void tokenWhenLoginsSucceedAndFailThenNoPasswordOrTokenInAnyLogLine() {
        try (LogCapture logs = new LogCapture()) {
            var ok = login("198.51.100.9", "alice", "alice-password-1");
            login("198.51.100.9", "alice", "not-alices-password");
            JsonObject body = ok.bodyAsJsonObject();
            assertFalse(logs.lines().isEmpty());
            for (String line : logs.lines()) {
                assertFalse(line.contains("alice-password-1"), line);
                assertFalse(line.contains("not-alices-password"), line);
                assertFalse(line.contains(body.getString("access_token")), line);
                assertFalse(line.contains(body.getString("refresh_token")), line);
            }
        }
    }
}
