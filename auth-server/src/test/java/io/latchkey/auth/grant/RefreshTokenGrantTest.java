package io.latchkey.auth.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
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
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Refresh rotation, reuse detection, client binding, scope narrowing and disabled users. */
class RefreshTokenGrantTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String INVALID =
            "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is invalid, expired or revoked\"}";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static UUID dave;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        pool = db.pool(vertx);
        TestClients.publicClient("app").scopes("notes:read", "notes:write").insert(pool);
        TestClients.publicClient("other").scopes("notes:read", "notes:write").insert(pool);
        dave = TestUsers.insert(pool, "dave", "dave-password-1");
        TestUsers.insert(pool, "erin", "erin-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    static JsonObject login(String username) {
        var response = stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=password&client_id=app&username=" + username + "&password=" + username
                                + "-password-1");
        assertEquals(200, response.statusCode());
        return response.bodyAsJsonObject();
    }

    static HttpResponse<Buffer> refresh(String clientId, String refreshToken, String extra) {
        return stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=refresh_token&client_id=" + clientId + "&refresh_token=" + refreshToken + extra);
    }

    static String sid(JsonObject tokens) throws Exception {
        return AccessTokens.verify(tokens.getString("access_token"), stack.jwksUrl(), "resource-demo")
                .getStringClaim("sid");
    }

    @Test
    void tokenWhenRefreshTokenPresentedThenRotatedAndSidAndAuthTimeCarryOver() throws Exception {
        JsonObject first = login("dave");
        JWTClaimsSet before = AccessTokens.verify(first.getString("access_token"), stack.jwksUrl(), "resource-demo");
        var response = refresh("app", first.getString("refresh_token"), "");
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        JsonObject second = response.bodyAsJsonObject();
        assertNotEquals(first.getString("refresh_token"), second.getString("refresh_token"));
        JWTClaimsSet after = AccessTokens.verify(second.getString("access_token"), stack.jwksUrl(), "resource-demo");
        assertEquals(before.getStringClaim("sid"), after.getStringClaim("sid"));
        assertEquals(before.getLongClaim("auth_time"), after.getLongClaim("auth_time"));
        assertEquals(dave.toString(), after.getSubject());
        assertEquals(200, refresh("app", second.getString("refresh_token"), "").statusCode());
    }

    @Test
    void tokenWhenRefreshTokenReusedThenSessionEndsAndSidListed() throws Exception {
        JsonObject first = login("dave");
        String sid = sid(first);
        JsonObject second = refresh("app", first.getString("refresh_token"), "").bodyAsJsonObject();

        var reuse = refresh("app", first.getString("refresh_token"), "");
        assertEquals(400, reuse.statusCode());
        assertEquals(INVALID, reuse.bodyAsString());
        // The whole session is over: the rotated token dies too.
        assertEquals(
                INVALID, refresh("app", second.getString("refresh_token"), "").bodyAsString());
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE id = $1::text::uuid AND end_reason = 'refresh_reuse'",
                        sid));
        var entry = Sql.rows(
                pool,
                "SELECT not_before, expires_at - extract(epoch FROM created_at)::bigint AS ttl"
                        + " FROM revocations WHERE type = 'sid' AND value = $1",
                sid);
        assertEquals(1, entry.size());
        long ttl = entry.get(0).getLong("ttl");
        // expires_at = now + access TTL (300 s) + 60 s.
        assertEquals(360, ttl, 2);
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'refresh_reuse'"
                                + " AND session_id = $1::text::uuid",
                        sid));
    }

    @Test
    void tokenWhenTwoConcurrentRefreshesThenSecondIsReuse() throws Exception {
        JsonObject first = login("dave");
        String sid = sid(first);
        String token = first.getString("refresh_token");
        List<HttpResponse<Buffer>> both =
                Await.result(Future.all(send(token), send(token))).list();
        long ok = both.stream().filter(r -> r.statusCode() == 200).count();
        assertEquals(1, ok);
        assertEquals(
                1,
                Sql.count(
                        pool, "SELECT count(*) FROM sessions WHERE id = $1::text::uuid AND ended_at IS NOT NULL", sid));
    }

    private static Future<HttpResponse<Buffer>> send(String token) {
        return stack.auth()
                .client()
                .request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("grant_type=refresh_token&client_id=app&refresh_token=" + token));
    }

    @Test
    void tokenWhenAnotherRotationCommitsWhileRefreshWaitsOnTheSessionThenReuseEndsSession() throws Exception {
        JsonObject first = login("dave");
        String sid = sid(first);
        Buffer hash = Buffer.buffer(RefreshTokens.hash(first.getString("refresh_token")));
        SqlConnection other = Await.result(pool.getConnection());
        try {
            // Another rotation of the same token holds the session lock and has retired the token.
            Transaction tx = Await.result(other.begin());
            Await.result(other.preparedQuery("SELECT 1 FROM sessions WHERE id = $1::text::uuid FOR UPDATE")
                    .execute(Tuple.of(sid)));
            Await.result(other.preparedQuery("UPDATE refresh_tokens SET used_at = now() WHERE token_hash = $1")
                    .execute(Tuple.of(hash)));
            Future<HttpResponse<Buffer>> pending = send(first.getString("refresh_token"));
            // The refresh read the token unused and now waits for the lock.
            Await.until(
                    "the refresh waiting on the session row's lock",
                    Duration.ofSeconds(30),
                    () -> Sql.count(
                                    pool,
                                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                                            + " AND query LIKE '%FOR UPDATE OF s%'")
                            == 1);
            Await.result(tx.commit());

            HttpResponse<Buffer> refused = Await.result(pending);
            assertEquals(400, refused.statusCode());
            assertEquals(INVALID, refused.bodyAsString());
        } finally {
            Await.result(other.close());
        }
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE id = $1::text::uuid AND end_reason = 'refresh_reuse'",
                        sid));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE session_id = $1::text::uuid", sid));
    }

    @Test
    void tokenWhenRefreshTokenExpiredThenInvalidGrantAndNeitherRotatedNorReuse() throws Exception {
        JsonObject first = login("dave");
        String sid = sid(first);
        Buffer hash = Buffer.buffer(RefreshTokens.hash(first.getString("refresh_token")));
        Sql.count(
                pool,
                "WITH u AS (UPDATE refresh_tokens SET expires_at = now() - interval '1 second'"
                        + " WHERE token_hash = $1 RETURNING 1) SELECT count(*) FROM u",
                hash);
        assertEquals(
                INVALID, refresh("app", first.getString("refresh_token"), "").bodyAsString());
        assertEquals(
                1,
                Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL", hash));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE session_id = $1::text::uuid", sid));
        assertEquals(
                1,
                Sql.count(pool, "SELECT count(*) FROM sessions WHERE id = $1::text::uuid AND ended_at IS NULL", sid));
    }

    @Test
    void tokenWhenSessionExpiredThenInvalidGrantAndNothingRotated() throws Exception {
        JsonObject first = login("dave");
        String sid = sid(first);
        setSessionExpiry(sid, "now() - interval '1 second'");
        assertEquals(
                INVALID, refresh("app", first.getString("refresh_token"), "").bodyAsString());
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE session_id = $1::text::uuid", sid));
    }

    @Test
    void tokenWhenSessionEndsBeforeTheRefreshTtlThenSuccessorExpiresWithTheSession() throws Exception {
        JsonObject first = login("dave");
        String sid = sid(first);
        setSessionExpiry(sid, "date_trunc('second', now()) + interval '1 hour'");
        var rotated = refresh("app", first.getString("refresh_token"), "");
        assertEquals(200, rotated.statusCode());
        Buffer next =
                Buffer.buffer(RefreshTokens.hash(rotated.bodyAsJsonObject().getString("refresh_token")));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"
                                + " WHERE r.token_hash = $1 AND r.expires_at = s.expires_at",
                        next));
    }

    private static void setSessionExpiry(String sid, String expression) {
        Sql.count(
                pool,
                "WITH u AS (UPDATE sessions SET expires_at = " + expression
                        + " WHERE id = $1::text::uuid RETURNING 1) SELECT count(*) FROM u",
                sid);
    }

    @Test
    void tokenWhenAnotherClientPresentsRefreshTokenThenInvalidGrantAndSessionUntouched() {
        JsonObject first = login("dave");
        assertEquals(
                INVALID, refresh("other", first.getString("refresh_token"), "").bodyAsString());
        assertEquals(200, refresh("app", first.getString("refresh_token"), "").statusCode());
    }

    @Test
    void tokenWhenRefreshNarrowsScopeThenNarrowedAndWideningRefused() throws Exception {
        JsonObject first = login("dave");
        var narrowed = refresh("app", first.getString("refresh_token"), "&scope=notes%3Aread");
        assertEquals(200, narrowed.statusCode());
        assertEquals("notes:read", narrowed.bodyAsJsonObject().getString("scope"));
        var widened = refresh("app", narrowed.bodyAsJsonObject().getString("refresh_token"), "&scope=admin");
        assertEquals(400, widened.statusCode());
        assertEquals(
                "{\"error\":\"invalid_scope\",\"error_description\":\"The requested scope exceeds what is allowed\"}",
                widened.bodyAsString());
        // A refused widening changes nothing: the same token still works.
        assertEquals(
                200,
                refresh("app", narrowed.bodyAsJsonObject().getString("refresh_token"), "")
                        .statusCode());
    }

    @Test
    void tokenWhenUserDisabledThenRefreshRefused() {
        JsonObject first = login("erin");
        UUID erin = Sql.rows(pool, "SELECT id FROM users WHERE username = 'erin'")
                .get(0)
                .getUUID(0);
        // The flag alone, not the admin API that also ends the sessions: the refresh itself must refuse.
        TestUsers.disable(pool, erin);
        assertEquals(
                INVALID, refresh("app", first.getString("refresh_token"), "").bodyAsString());
        Buffer hash = Buffer.buffer(RefreshTokens.hash(first.getString("refresh_token")));
        assertEquals(
                1,
                Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL", hash));
    }

    @Test
    void tokenWhenRefreshTokenUnknownThenInvalidGrant() {
        assertEquals(INVALID, refresh("app", "not-a-refresh-token", "").bodyAsString());
    }

    @Test
    void refreshTokensWhenStoredThenOnlyHashes() {
        JsonObject first = login("dave");
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM refresh_tokens WHERE encode(token_hash, 'escape') LIKE '%' || $1 || '%'",
                        first.getString("refresh_token")));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM refresh_tokens WHERE token_hash = sha256(convert_to($1, 'UTF8'))",
                        first.getString("refresh_token")));
    }
}
