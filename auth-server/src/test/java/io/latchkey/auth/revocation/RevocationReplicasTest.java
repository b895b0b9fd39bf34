package io.latchkey.auth.revocation;

import static io.latchkey.auth.revocation.Logins.login;
import static io.latchkey.auth.test.AccessTokens.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.SseClient;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two auth-server instances on one database: A (with key-service, issuing tokens) and B. Revocations written
 * through one reach stream clients of the other, and an acknowledged revocation outlives the instance that wrote
 * it.
 */
class RevocationReplicasTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;
    static TestAuthServer a;
    static HttpClient http;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        a = stack.auth();
        pool = db.pool(vertx);
        http = vertx.createHttpClient();
        TestClients.publicClient(Logins.APP).insert(pool);
        TestClients.revocationReader(Logins.READER).insert(pool);
        TestClients.confidential("svc").scopes("notes:read").insert(pool);
        TestUsers.insert(pool, "gus", "gus-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(http.close());
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void revokeThroughAWhenStreamClientOnBThenItReceivesTheEntries() {
        try (TestAuthServer b = TestAuthServer.start(vertx, TestAuthServer.env(db))) {
            SseClient onB = Await.result(SseClient.open(http, b.port(), Logins.readerBasic(), null));
            String access = TokenRevocationTest.clientToken(a, "svc");
            String jti = claims(access).getString("jti");
            JsonObject tokens = login(a, "gus", "gus-password-1");
            String sid = claims(tokens.getString("access_token")).getString("sid");

            assertEquals(
                    200,
                    a.postForm("/oauth2/revoke", "svc", TestClients.secretOf("svc"), "token=" + access)
                            .statusCode());
            assertEquals(204, Logins.logout(a, "", Logins.bearer(tokens)).statusCode());

            Await.result(onB.until(seen -> seen.events().stream()
                            .anyMatch(e -> jti.equals(e.data().getString("value")))
                    && seen.events().stream().anyMatch(e -> sid.equals(e.data().getString("value")))));
            assertFalse(Logins.active(b, access));
            onB.close();
        }
    }

    @Test
    void revokeWhenAnsweredThenEntrySurvivesAnImmediateRestart() {
        String access = TokenRevocationTest.clientToken(a, "svc");
        String jti = claims(access).getString("jti");
        TestAuthServer b = TestAuthServer.start(vertx, TestAuthServer.env(db));

        assertEquals(
                200,
                b.postForm("/oauth2/revoke", "svc", TestClients.secretOf("svc"), "token=" + access)
                        .statusCode());
        b.close();

        try (TestAuthServer restarted = TestAuthServer.start(vertx, TestAuthServer.env(db))) {
            assertTrue(Logins.revocations(restarted).stream()
                    .anyMatch(e -> "jti".equals(e.getString("type")) && jti.equals(e.getString("value"))));
            assertFalse(Logins.active(restarted, access));
        }
    }
}
