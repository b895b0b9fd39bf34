package io.latchkey.auth.revocation;

import static io.latchkey.auth.revocation.Logins.login;
import static io.latchkey.auth.test.AccessTokens.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A refresh and a logout of the same session, sent at once, many times: the session never comes back. */
class LogoutRaceTest {
    private static final int ROUNDS = 50;

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
        TestClients.revocationReader(Logins.READER).insert(pool);
        TestUsers.insert(pool, "racer", "racer-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void refreshRacingLogoutWhenRepeatedThenNeverALiveRefreshTokenAfterwards() {
        int refreshWon = 0;
        for (int round = 0; round < ROUNDS; round++) {
            JsonObject tokens = login(auth, "racer", "racer-password-1");
            String sid = claims(tokens.getString("access_token")).getString("sid");

            Future<HttpResponse<Buffer>> refresh = auth.client()
                    .post("/oauth2/token")
                    .putHeader("Content-Type", "application/x-www-form-urlencoded")
                    .sendBuffer(Buffer.buffer("grant_type=refresh_token&client_id=" + Logins.APP + "&refresh_token="
                            + tokens.getString("refresh_token")));
            Future<HttpResponse<Buffer>> logout = auth.client()
                    .post("/logout")
                    .putHeader("Authorization", Logins.bearer(tokens))
                    .send();
            Await.result(Future.join(refresh, logout));

            String where = "round " + round;
            assertEquals(204, logout.result().statusCode(), where);
            HttpResponse<Buffer> refreshed = refresh.result();
            if (refreshed.statusCode() == 200) {
                refreshWon++;
                JsonObject rotated = refreshed.bodyAsJsonObject();
                assertEquals(sid, claims(rotated.getString("access_token")).getString("sid"), where);
                assertFalse(Logins.active(auth, rotated.getString("access_token")), where);
                assertEquals(
                        LogoutTest.invalidGrant(),
                        Logins.refresh(auth, rotated.getString("refresh_token")).bodyAsJsonObject(),
                        where);
            } else {
                assertEquals(LogoutTest.invalidGrant(), refreshed.bodyAsJsonObject(), where);
            }
            assertEquals(
                    0,
                    Sql.count(
                            pool,
                            "SELECT count(*) FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"
                                    + " WHERE s.id = $1 AND s.ended_at IS NULL",
                            UUID.fromString(sid)),
                    where);
            assertTrue(
                    Logins.revocations(auth).stream()
                            .anyMatch(e -> "sid".equals(e.getString("type")) && sid.equals(e.getString("value"))),
                    where);
        }
        // Both orders happen on this machine; the assertions above hold for each.
        System.out.println("refresh committed first in " + refreshWon + " of " + ROUNDS + " rounds");
    }
}
