package io.latchkey.auth.dpop;

import static io.latchkey.auth.test.TestBrowser.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.DpopKey;
import io.latchkey.auth.test.Pkce;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestBrowser;
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
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DPoP at the token endpoint (RFC 9449 §5) over real HTTP, real PostgreSQL and real key-service signatures: every
 * grant binds its access token to the proof's key, and every proof rule is refused with the error RFC 9449 names.
 * Proofs are signed by the JDK and thumbprints computed by Nimbus, independently of the server's code.
 */
class DpopTokenEndpointTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String HTU = TestAuthServer.ISSUER + "/oauth2/token";
    static final String WEB = "dpop-web";
    static final String WEB_CALLBACK = "https://web.example/callback";

    static Vertx vertx;
    static Pool pool;
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        stack = TestStack.start(vertx, db);
        pool = db.pool(vertx);
        TestClients.confidential("svc").insert(pool);
        TestClients.confidential("bound-svc").dpopBound().insert(pool);
        TestClients.publicClient("app").insert(pool);
        TestClients.publicClient(WEB).browser(WEB_CALLBACK).firstParty().insert(pool);
        TestUsers.insert(pool, "alice", "alice-password-1");
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void clientCredentialsWhenProofOfEachAlgorithmThenTokenBoundToThatKey() throws Exception {
        for (DpopKey key :
                new DpopKey[] {DpopKey.es256(), DpopKey.rs256(), DpopKey.ed25519("EdDSA"), DpopKey.ed25519("Ed25519")
                }) {
            HttpResponse<Buffer> response =
                    token(stack.auth(), "svc", "grant_type=client_credentials", key.proof("POST", HTU));
            assertEquals(200, response.statusCode(), response.bodyAsString());
            JsonObject body = response.bodyAsJsonObject();
            assertEquals("DPoP", body.getString("token_type"));
            JWTClaimsSet claims = AccessTokens.verify(body.getString("access_token"), stack.jwksUrl(), "resource-demo");
            assertEquals(Map.of("jkt", key.thumbprint()), claims.getJSONObjectClaim("cnf"));
        }
    }

    @Test
    void clientCredentialsWhenNoProofThenBearerWithoutCnf() throws Exception {
        HttpResponse<Buffer> response = token(stack.auth(), "svc", "grant_type=client_credentials");
        assertEquals(200, response.statusCode());
        assertEquals("Bearer", response.bodyAsJsonObject().getString("token_type"));
        JWTClaimsSet claims = AccessTokens.verify(
                response.bodyAsJsonObject().getString("access_token"), stack.jwksUrl(), "resource-demo");
        assertNull(claims.getClaim("cnf"));
    }

    @Test
    void passwordAndRefreshWhenPublicClientSendsProofsThenBothTokensBound() {
        DpopKey key = DpopKey.es256();
        HttpResponse<Buffer> login = token(
                stack.auth(),
                null,
                "grant_type=password&client_id=app&username=alice&password=alice-password-1",
                key.proof("POST", HTU));
        assertEquals(200, login.statusCode(), login.bodyAsString());
        assertEquals("DPoP", login.bodyAsJsonObject().getString("token_type"));
        assertEquals(key.thumbprint(), cnf(login));
        String refresh = login.bodyAsJsonObject().getString("refresh_token");
        assertEquals(
                key.thumbprint(),
                Sql.string(pool, "SELECT dpop_jkt FROM refresh_tokens WHERE client_id = 'app' AND used_at IS NULL"));

        HttpResponse<Buffer> refreshed = token(
                stack.auth(),
                null,
                "grant_type=refresh_token&client_id=app&refresh_token=" + encode(refresh),
                key.proof("POST", HTU));
        assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
        assertEquals("DPoP", refreshed.bodyAsJsonObject().getString("token_type"));
        assertEquals(key.thumbprint(), cnf(refreshed));
    }

    @Test
    void authorizationCodeWhenDpopJktThenOnlyAProofOfThatKeyRedeemsTheCode() {
        DpopKey key = DpopKey.es256();
        Pkce pkce = Pkce.create();
        TestBrowser browser = new TestBrowser(stack.auth().client());
        HttpResponse<Buffer> authorize = browser.get("/oauth2/authorize?response_type=code&client_id=" + WEB
                + "&scope=notes%3Aread&state=s&code_challenge=" + pkce.challenge()
                + "&code_challenge_method=S256&dpop_jkt=" + key.thumbprint());
        assertEquals(303, authorize.statusCode(), authorize.bodyAsString());
        String loginPath = authorize.getHeader("Location");
        HttpResponse<Buffer> page = browser.get(loginPath);
        HttpResponse<Buffer> done = browser.post(
                loginPath, "csrf", TestBrowser.csrf(page), "username", "alice", "password", "alice-password-1");
        assertEquals(303, done.statusCode(), done.bodyAsString());
        String code = TestBrowser.query(done).get("code");
        String form = "grant_type=authorization_code&client_id=" + WEB + "&code=" + encode(code) + "&code_verifier="
                + pkce.verifier();

        assertError(token(stack.auth(), null, form), 400, "invalid_dpop_proof");
        assertError(token(stack.auth(), null, form, DpopKey.es256().proof("POST", HTU)), 400, "invalid_dpop_proof");

        HttpResponse<Buffer> redeemed = token(stack.auth(), null, form, key.proof("POST", HTU));
        assertEquals(200, redeemed.statusCode(), "refusals left the code usable: " + redeemed.bodyAsString());
        assertEquals("DPoP", redeemed.bodyAsJsonObject().getString("token_type"));
        assertEquals(key.thumbprint(), cnf(redeemed));
        assertEquals(
                key.thumbprint(),
                Sql.string(pool, "SELECT dpop_jkt FROM refresh_tokens WHERE client_id = '" + WEB + "'"));
    }

    @Test
    void authorizeWhenDpopJktMalformedThenInvalidRequest() {
        HttpResponse<Buffer> authorize = new TestBrowser(stack.auth().client())
                .get("/oauth2/authorize?response_type=code&client_id=" + WEB + "&scope=notes%3Aread&state=s"
                        + "&code_challenge=" + Pkce.create().challenge()
                        + "&code_challenge_method=S256&dpop_jkt=short");
        assertEquals(303, authorize.statusCode());
        assertEquals("invalid_request", TestBrowser.query(authorize).get("error"));
    }

    @Test
    void tokenWhenClientRequiresDpopAndSendsNoProofThenInvalidDpopProof() {
        assertError(token(stack.auth(), "bound-svc", "grant_type=client_credentials"), 400, "invalid_dpop_proof");
        HttpResponse<Buffer> ok = token(
                stack.auth(),
                "bound-svc",
                "grant_type=client_credentials",
                DpopKey.es256().proof("POST", HTU));
        assertEquals(200, ok.statusCode());
        assertEquals("DPoP", ok.bodyAsJsonObject().getString("token_type"));
    }

    @Test
    void tokenWhenProofBreaksARuleThenInvalidDpopProof() {
        DpopKey key = DpopKey.es256();
        long now = System.currentTimeMillis() / 1000;
        Map<String, String> broken = new java.util.LinkedHashMap<>();
        broken.put("wrong htm", key.proof("GET", HTU));
        broken.put("wrong htu", key.proof("POST", TestAuthServer.ISSUER + "/oauth2/introspect"));
        broken.put("other host", key.proof("POST", "https://evil.example/oauth2/token"));
        broken.put("old iat", key.builder("POST", HTU).iat(now - 600).sign());
        broken.put("future iat", key.builder("POST", HTU).iat(now + 600).sign());
        broken.put("no iat", key.builder("POST", HTU).claim("iat", null).sign());
        broken.put("no jti", key.builder("POST", HTU).jti(null).sign());
        broken.put(
                "private key in jwk",
                key.builder("POST", HTU).header("jwk", key.jwkWithPrivatePart()).sign());
        broken.put("alg none", key.builder("POST", HTU).unsigned());
        broken.put(
                "alg HS256",
                key.builder("POST", HTU)
                        .hs256("a-shared-secret-0123456789abcdef")
                        .sign());
        broken.put("missing typ", key.builder("POST", HTU).header("typ", null).sign());
        broken.put("typ JWT", key.builder("POST", HTU).header("typ", "JWT").sign());
        broken.put("no jwk", key.builder("POST", HTU).header("jwk", null).sign());
        broken.put(
                "another key's jwk",
                key.builder("POST", HTU)
                        .header("jwk", DpopKey.es256().publicJwk())
                        .sign());
        broken.put("not a JWT", "not-a-jwt");
        for (Map.Entry<String, String> proof : broken.entrySet()) {
            HttpResponse<Buffer> response =
                    token(stack.auth(), "svc", "grant_type=client_credentials", proof.getValue());
            assertEquals(400, response.statusCode(), proof.getKey() + ": " + response.bodyAsString());
            assertEquals("invalid_dpop_proof", response.bodyAsJsonObject().getString("error"), proof.getKey());
        }
    }

    @Test
    void tokenWhenTwoDpopHeadersThenInvalidDpopProof() {
        DpopKey key = DpopKey.es256();
        assertError(
                token(
                        stack.auth(),
                        "svc",
                        "grant_type=client_credentials",
                        key.proof("POST", HTU),
                        key.proof("POST", HTU)),
                400,
                "invalid_dpop_proof");
    }

    @Test
    void tokenWhenJtiReplayedThenInvalidDpopProofAlsoOnAnotherReplica() {
        DpopKey key = DpopKey.es256();
        String proof = key.proof("POST", HTU);
        assertEquals(
                200,
                token(stack.auth(), "svc", "grant_type=client_credentials", proof)
                        .statusCode());
        assertError(token(stack.auth(), "svc", "grant_type=client_credentials", proof), 400, "invalid_dpop_proof");

        try (TestAuthServer replica = replica(Optional.empty())) {
            String other = key.proof("POST", HTU);
            assertEquals(
                    200,
                    token(replica, "svc", "grant_type=client_credentials", other)
                            .statusCode());
            assertError(token(stack.auth(), "svc", "grant_type=client_credentials", other), 400, "invalid_dpop_proof");
            assertError(token(replica, "svc", "grant_type=client_credentials", proof), 400, "invalid_dpop_proof");
        }
    }

    @Test
    void tokenWhenNoncesRequiredThenUseDpopNonceThenTheNonceIsAcceptedByAnyReplica() {
        DpopKey key = DpopKey.es256();
        try (TestAuthServer first = replica(Optional.of("true"));
                TestAuthServer second = replica(Optional.of("true"))) {
            HttpResponse<Buffer> challenge =
                    token(first, "svc", "grant_type=client_credentials", key.proof("POST", HTU));
            assertError(challenge, 400, "use_dpop_nonce");
            String nonce = challenge.getHeader("DPoP-Nonce");
            assertNotNull(nonce);

            assertError(
                    token(
                            first,
                            "svc",
                            "grant_type=client_credentials",
                            key.builder("POST", HTU).nonce("stale").sign()),
                    400,
                    "use_dpop_nonce");
            HttpResponse<Buffer> ok = token(
                    second,
                    "svc",
                    "grant_type=client_credentials",
                    key.builder("POST", HTU).nonce(nonce).sign());
            assertEquals(200, ok.statusCode(), ok.bodyAsString());
            assertEquals("DPoP", ok.bodyAsJsonObject().getString("token_type"));
            assertNotNull(ok.getHeader("DPoP-Nonce"));
        }
        HttpResponse<Buffer> off = token(stack.auth(), "svc", "grant_type=client_credentials", key.proof("POST", HTU));
        assertEquals(200, off.statusCode(), "nonces are off by default");
        assertNull(off.getHeader("DPoP-Nonce"));
    }

    @Test
    void metadataWhenFetchedThenListsDpopAlgorithms() {
        for (String path :
                new String[] {"/.well-known/oauth-authorization-server", "/.well-known/openid-configuration"}) {
            JsonObject metadata =
                    Await.result(stack.auth().client().get(path).send()).bodyAsJsonObject();
            assertEquals(
                    java.util.List.of("ES256", "RS256", "EdDSA"),
                    metadata.getJsonArray("dpop_signing_alg_values_supported").getList());
        }
    }

    /** Another auth-server on the same database and key-service: a second replica. */
    private static TestAuthServer replica(Optional<String> nonceRequired) {
        Map<String, String> env = TestAuthServer.env(db);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + stack.keyServiceInternalPort());
        env.put("LATCHKEY_JWKS_URI", stack.jwksUrl());
        nonceRequired.ifPresent(value -> env.put("LATCHKEY_DPOP_NONCE_REQUIRED", value));
        return TestAuthServer.start(vertx, env);
    }

    static HttpResponse<Buffer> token(TestAuthServer server, String basicId, String form, String... proofs) {
        HttpRequest<Buffer> request =
                server.client().post("/oauth2/token").putHeader("Content-Type", "application/x-www-form-urlencoded");
        if (basicId != null) {
            request.putHeader("Authorization", TestAuthServer.basic(basicId, TestClients.secretOf(basicId)));
        }
        for (String proof : proofs) {
            request.headers().add("DPoP", proof);
        }
        return Await.result(request.sendBuffer(Buffer.buffer(form)));
    }

    static String cnf(HttpResponse<Buffer> response) {
        JsonObject claims = AccessTokens.claims(response.bodyAsJsonObject().getString("access_token"));
        return claims.getJsonObject("cnf").getString("jkt");
    }

    static void assertError(HttpResponse<Buffer> response, int status, String error) {
        assertEquals(status, response.statusCode(), response.bodyAsString());
        assertEquals(error, response.bodyAsJsonObject().getString("error"), response.bodyAsString());
        assertTrue(response.bodyAsJsonObject().containsKey("error_description"));
    }
}
