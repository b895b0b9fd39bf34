package io.latchkey.auth.network;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code token_endpoint_ip_allowlist} over real HTTP: the test's loopback connection is the trusted proxy, so the
 * address judged is the right-most {@code X-Forwarded-For} hop, as behind a real load balancer, and without the
 * header the loopback peer itself.
 */
class TokenEndpointIpAllowlistTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db, env -> env.put("LATCHKEY_TRUSTED_PROXIES", "127.0.0.1/32"));
        pool = db.pool(vertx);
        TestClients.confidential("anywhere").insert(pool);
        TestClients.confidential("office")
                .ipAllowlist("203.0.113.0/24", "2001:db8::/32")
                .insert(pool);
        TestClients.confidential("loopback").ipAllowlist("127.0.0.0/8").insert(pool);
        TestClients.publicClient("app").ipAllowlist("10.0.0.0/8").insert(pool);
        TestUsers.insert(pool, "alice", "alice-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void tokenWhenForwardedFromInsideTheAllowlistThenIssued() {
        assertEquals(200, clientCredentials("office", "203.0.113.77").statusCode());
        assertEquals(
                200, clientCredentials("office", "198.51.100.9, 2001:db8::5").statusCode());
        assertEquals(200, clientCredentials("loopback", null).statusCode());
        assertEquals(200, clientCredentials("anywhere", "198.51.100.9").statusCode());
    }

    @Test
    void tokenWhenFromOutsideTheAllowlistThenInvalidClientAndAudited() {
        long before = refusals("office");
        HttpResponse<Buffer> refused = clientCredentials("office", "198.51.100.9");
        assertEquals(401, refused.statusCode());
        assertEquals(
                "{\"error\":\"invalid_client\",\"error_description\":\"Client authentication failed\"}",
                refused.bodyAsString());
        assertEquals(before + 1, refusals("office"));
        assertEquals(
                "198.51.100.9",
                Sql.string(
                        pool,
                        "SELECT host(ip) FROM audit_events WHERE event = 'token_ip_refused' AND client_id = 'office'"
                                + " ORDER BY id DESC LIMIT 1"));
        assertEquals(401, clientCredentials("office", null).statusCode(), "the loopback proxy itself is outside");
        assertEquals(401, clientCredentials("loopback", "203.0.113.77").statusCode());
    }

    @Test
    void tokenWhenPublicClientThenNeverBoundToAnAddress() {
        HttpResponse<Buffer> response = send(
                null, "198.51.100.9", "grant_type=password&client_id=app&username=alice&password=alice-password-1");
        assertEquals(200, response.statusCode(), response.bodyAsString());
    }

    private static long refusals(String clientId) {
        return Sql.count(
                pool,
                "SELECT count(*) FROM audit_events WHERE event = 'token_ip_refused' AND client_id = $1",
                clientId);
    }

    private static HttpResponse<Buffer> clientCredentials(String clientId, String forwardedFor) {
        return send(clientId, forwardedFor, "grant_type=client_credentials");
    }

    private static HttpResponse<Buffer> send(String basicId, String forwardedFor, String form) {
        HttpRequest<Buffer> request = stack.auth()
                .client()
                .post("/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded");
        if (basicId != null) {
            request.putHeader("Authorization", TestAuthServer.basic(basicId, TestClients.secretOf(basicId)));
        }
        if (forwardedFor != null) {
            request.putHeader("X-Forwarded-For", forwardedFor);
        }
        return Await.result(request.sendBuffer(Buffer.buffer(form)));
    }
}
