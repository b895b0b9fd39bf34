package io.latchkey.auth.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.HeldRelay;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A refresh signs with no lock held, so everything that ends a session or a user's tokens may commit between the
 * refresh's read and its compare-and-set. Each race is forced: a second auth-server replica signs through a relay
 * the test holds, so the refresh is known to have read the token and to be waiting on key-service while the other
 * change commits through the first replica; then the relay lets the signature through.
 */
class RefreshRaceTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String ADMIN_SECRET = "admin-cli-secret-for-tests-0123456789abcdef";
    static final String INVALID =
            "{\"error\":\"invalid_grant\",\"error_description\":\"The refresh token is invalid, expired or revoked\"}";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static HeldRelay relay;
    /** Signs through {@link #relay}. */
    static TestAuthServer held;
    /** Signs through a port where nothing listens: key-service is down for it. */
    static TestAuthServer unsigned;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        AtomicReference<Map<String, String>> settings = new AtomicReference<>();
        stack = TestStack.start(vertx, db, env -> {
            env.put("LATCHKEY_ADMIN_CLIENT_SECRET", ADMIN_SECRET);
            settings.set(new HashMap<>(env));
        });
        pool = db.pool(vertx);
        TestClients.publicClient("app").scopes("notes:read", "notes:write").insert(pool);
        int keyServicePort =
                URI.create(settings.get().get("LATCHKEY_KEY_SERVICE_URL")).getPort();
        relay = HeldRelay.start(vertx, keyServicePort);
        held = replica(settings.get(), relay.port());
        unsigned = replica(settings.get(), ServiceProcess.freePort());
    }

    private static TestAuthServer replica(Map<String, String> settings, int keyServicePort) {
        Map<String, String> env = new HashMap<>(settings);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keyServicePort);
        return TestAuthServer.start(vertx, env);
    }

    @AfterAll
    static void stop() {
        unsigned.close();
        held.close();
        Await.result(relay.close());
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void refreshWhenLogoutCommitsWhileItSignsThenInvalidGrantAndNoSuccessor() throws Exception {
        JsonObject tokens = login(user("race-logout"));
        String sid = sid(tokens);

        HttpResponse<Buffer> refused = whileSigning(
                tokens,
                () -> assertEquals(
                        204,
                        Await.result(stack.auth()
                                        .client()
                                        .request(HttpMethod.POST, "/logout")
                                        .putHeader("Authorization", "Bearer " + tokens.getString("access_token"))
                                        .send())
                                .statusCode()));

        assertEquals(400, refused.statusCode());
        assertEquals(INVALID, refused.bodyAsString());
        assertEndedWithoutSuccessor(sid, "logout");
    }

    @Test
    void refreshWhenAdminDisablesTheUserWhileItSignsThenInvalidGrantAndNoSuccessor() throws Exception {
        UUID user = user("race-disable");
        JsonObject tokens = login(user);
        String sid = sid(tokens);
        String admin = adminToken();

        HttpResponse<Buffer> refused =
                whileSigning(tokens, () -> assertEquals(204, admin(admin, "/admin/users/" + user + "/disable", null)));

        assertEquals(INVALID, refused.bodyAsString());
        assertEndedWithoutSuccessor(sid, "user_disabled");
    }

    @Test
    void refreshWhenAdminChangesThePasswordWhileItSignsThenInvalidGrantAndNoSuccessor() throws Exception {
        UUID user = user("race-password");
        JsonObject tokens = login(user);
        String sid = sid(tokens);
        String admin = adminToken();

        HttpResponse<Buffer> refused = whileSigning(
                tokens,
                () -> assertEquals(
                        204,
                        admin(
                                admin,
                                "/admin/users/" + user + "/password",
                                new JsonObject().put("password", "a-new-password-for-race"))));

        assertEquals(INVALID, refused.bodyAsString());
        assertEndedWithoutSuccessor(sid, "password_changed");
    }

    @Test
    void refreshWhenOnlyTheDisabledFlagIsSetWhileItSignsThenTheCompareAndSetRefusesAndTheTokenIsUnused()
            throws Exception {
        UUID user = user("race-flag");
        JsonObject tokens = login(user);

        HttpResponse<Buffer> refused = whileSigning(tokens, () -> TestUsers.disable(pool, user));

        assertEquals(INVALID, refused.bodyAsString());
        assertUnusedAndAlone(tokens);
    }

    @Test
    void refreshWhenNotBeforeRisesAboveItsSignedIatWhileItSignsThenRefusedAndTheTokenIsUnused() throws Exception {
        UUID user = user("race-not-before");
        JsonObject tokens = login(user);

        // No session ends here: only the signed iat against the user's not_before can refuse the rotation.
        HttpResponse<Buffer> refused = whileSigning(
                tokens,
                () -> Sql.count(
                        pool,
                        "WITH u AS (UPDATE users SET tokens_not_before = extract(epoch FROM now())::bigint + 30"
                                + " WHERE id = $1 RETURNING 1) SELECT count(*) FROM u",
                        user));

        assertEquals(INVALID, refused.bodyAsString());
        assertUnusedAndAlone(tokens);
    }

    @Test
    void refreshWhenTheSecondUseSignsAndRotatesFirstThenTheFirstIsAReuseAndTheSessionEnds() throws Exception {
        JsonObject tokens = login(user("race-twice"));
        String sid = sid(tokens);
        AtomicReference<JsonObject> second = new AtomicReference<>();

        HttpResponse<Buffer> first = whileSigning(tokens, () -> {
            HttpResponse<Buffer> rotated = refresh(stack.auth(), tokens.getString("refresh_token"));
            assertEquals(200, rotated.statusCode(), rotated.bodyAsString());
            second.set(rotated.bodyAsJsonObject());
        });

        assertEquals(INVALID, first.bodyAsString());
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE id = $1::text::uuid AND end_reason = 'refresh_reuse'",
                        sid));
        assertEquals(
                INVALID,
                refresh(stack.auth(), second.get().getString("refresh_token")).bodyAsString());
    }

    @Test
    void refreshWhenKeyServiceFailsToSignThenNothingIsWrittenAndTheTokenStillWorks() throws Exception {
        JsonObject tokens = login(user("race-sign-fails"));

        HttpResponse<Buffer> failed = refresh(unsigned, tokens.getString("refresh_token"));

        assertEquals(503, failed.statusCode(), failed.bodyAsString());
        assertEquals("temporarily_unavailable", failed.bodyAsJsonObject().getString("error"));
        assertUnusedAndAlone(tokens);
        assertEquals(
                200, refresh(stack.auth(), tokens.getString("refresh_token")).statusCode());
    }

    /**
     * Sends a refresh to the held replica, waits until its signing request reaches the held relay (so the token has
     * been read), runs {@code meanwhile}, then lets the signature through and returns the refresh's answer.
     */
    private static HttpResponse<Buffer> whileSigning(JsonObject tokens, Runnable meanwhile) {
        relay.hold();
        long before = relay.received();
        Future<HttpResponse<Buffer>> pending = send(held, tokens.getString("refresh_token"));
        try {
            Await.until(
                    "the refresh waiting on its signature", Duration.ofSeconds(30), () -> relay.received() > before);
            meanwhile.run();
        } finally {
            relay.release();
        }
        return Await.result(pending);
    }

    private static void assertEndedWithoutSuccessor(String sid, String reason) {
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE id = $1::text::uuid AND end_reason = $2",
                        sid,
                        reason));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE session_id = $1::text::uuid", sid));
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM audit_events WHERE event = 'refresh_reuse'"
                                + " AND session_id = $1::text::uuid",
                        sid));
    }

    /** The presented token was neither retired nor followed by a successor. */
    private static void assertUnusedAndAlone(JsonObject tokens) throws Exception {
        Buffer hash = Buffer.buffer(RefreshTokens.hash(tokens.getString("refresh_token")));
        assertEquals(
                1,
                Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE token_hash = $1 AND used_at IS NULL", hash));
        assertEquals(
                1,
                Sql.count(pool, "SELECT count(*) FROM refresh_tokens WHERE session_id = $1::text::uuid", sid(tokens)));
    }

    private static UUID user(String name) {
        return TestUsers.insert(pool, name, name + "-password-1");
    }

    private static JsonObject login(UUID user) {
        String name = Sql.rows(pool, "SELECT username FROM users WHERE id = $1", user)
                .get(0)
                .getString(0);
        HttpResponse<Buffer> response = stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=password&client_id=app&username=" + name + "&password=" + name + "-password-1");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject();
    }

    private static String sid(JsonObject tokens) throws Exception {
        return AccessTokens.verify(tokens.getString("access_token"), stack.jwksUrl(), "resource-demo")
                .getStringClaim("sid");
    }

    private static String adminToken() {
        HttpResponse<Buffer> response =
                stack.auth().postForm("/oauth2/token", "admin-cli", ADMIN_SECRET, "grant_type=client_credentials");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    private static int admin(String token, String path, JsonObject body) {
        var request =
                stack.auth().client().request(HttpMethod.POST, path).putHeader("Authorization", "Bearer " + token);
        return Await.result(
                        body == null
                                ? request.send()
                                : request.putHeader("Content-Type", "application/json")
                                        .sendBuffer(body.toBuffer()))
                .statusCode();
    }

    private static HttpResponse<Buffer> refresh(TestAuthServer replica, String refreshToken) {
        return Await.result(send(replica, refreshToken));
    }

    private static Future<HttpResponse<Buffer>> send(TestAuthServer replica, String refreshToken) {
        return replica.client()
                .request(HttpMethod.POST, "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer("grant_type=refresh_token&client_id=app&refresh_token=" + refreshToken));
    }
}
