package io.latchkey.auth.grant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSObject;
import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.LogCapture;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** client_credentials against the real key-service; tokens checked with Nimbus against the published JWKS. */
class ClientCredentialsGrantTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        pool = db.pool(vertx);
        TestClients.confidential("svc")
                .scopes("notes:read", "notes:write")
                .audience("resource-demo")
                .insert(pool);
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void tokenWhenClientCredentialsBasicThenRfc9068TokenValidatesWithNimbus() throws Exception {
        var response = stack.auth().token("svc", "grant_type=client_credentials");
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        assertEquals("no-cache", response.getHeader("Pragma"));
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("Bearer", body.getString("token_type"));
        assertEquals(300, body.getInteger("expires_in"));
        assertEquals("notes:read notes:write", body.getString("scope"));
        assertNull(body.getString("refresh_token"));
        assertEquals(4, body.size());

        String token = body.getString("access_token");
        JWSObject jws = JWSObject.parse(token);
        assertEquals("at+jwt", jws.getHeader().getType().getType());
        assertEquals("RS256", jws.getHeader().getAlgorithm().getName());
        JWTClaimsSet claims = AccessTokens.verify(token, stack.jwksUrl(), "resource-demo");
        assertEquals("svc", claims.getSubject());
        assertEquals("svc", claims.getStringClaim("client_id"));
        assertEquals("notes:read notes:write", claims.getStringClaim("scope"));
        assertEquals(List.of("resource-demo"), claims.getAudience());
        assertEquals(
                300_000,
                claims.getExpirationTime().getTime() - claims.getIssueTime().getTime());
        assertTrue(Base64.getUrlDecoder().decode(claims.getJWTID()).length >= 16);
        assertNull(claims.getClaim("sid"));
        assertEquals(
                List.of("aud", "client_id", "exp", "iat", "iss", "jti", "scope", "sub"),
                claims.getClaims().keySet().stream().sorted().toList());
    }

    @Test
    void tokenWhenClientSecretPostAndNarrowScopeThenOnlyThatScope() throws Exception {
        var response = stack.auth()
                .postForm(
                        "/oauth2/token",
                        null,
                        null,
                        "grant_type=client_credentials&scope=notes%3Aread&client_id=svc&client_secret="
                                + TestClients.secretOf("svc"));
        assertEquals(200, response.statusCode());
        assertEquals("notes:read", response.bodyAsJsonObject().getString("scope"));
        JWTClaimsSet claims = AccessTokens.verify(
                response.bodyAsJsonObject().getString("access_token"), stack.jwksUrl(), "resource-demo");
        assertEquals("notes:read", claims.getStringClaim("scope"));
    }

    @Test
    void tokenWhenScopeExceedsAllowedThenInvalidScope() {
        var response = stack.auth().token("svc", "grant_type=client_credentials&scope=notes%3Aread+admin");
        assertEquals(400, response.statusCode());
        assertEquals(
                "{\"error\":\"invalid_scope\",\"error_description\":\"The requested scope exceeds what is allowed\"}",
                response.bodyAsString());
    }

    @Test
    void tokenWhenClientCredentialsThenNoDatabaseWriteAndNoSecretLogged() {
        long before = writes();
        try (LogCapture logs = new LogCapture()) {
            var response = stack.auth().token("svc", "grant_type=client_credentials");
            assertEquals(200, response.statusCode());
            String token = response.bodyAsJsonObject().getString("access_token");
            for (String line : logs.lines()) {
                assertFalse(line.contains(TestClients.secretOf("svc")), line);
                assertFalse(line.contains(token), line);
            }
            assertTrue(logs.lines().stream()
                    .anyMatch(l -> l.startsWith("token issued grant=client_credentials client=svc")));
        }
        assertEquals(before, writes());
    }

    private static long writes() {
        return Sql.count(
                pool,
                "SELECT (SELECT count(*) FROM sessions) + (SELECT count(*) FROM refresh_tokens)"
                        + " + (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM revocations)"
                        + " + (SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables"
                        + "    WHERE relname IN ('clients', 'users', 'login_failures_by_ip', 'login_failures_by_user_ip'))");
    }
}
