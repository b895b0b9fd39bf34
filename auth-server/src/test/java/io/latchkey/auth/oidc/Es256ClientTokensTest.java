package io.latchkey.auth.oidc;

import static io.latchkey.auth.test.AccessTokens.claims;
import static io.latchkey.auth.test.TestBrowser.encode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.test.AccessTokens;
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
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.sqlclient.Pool;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client whose {@code access_token_signing_alg} is ES256 gets ES256 access and ID tokens, signed by the ES256
 * ring's key and verified by Nimbus against the JWKS; auth-server's own checks (userinfo, {@code id_token_hint})
 * take them, and refuse one whose header names the other algorithm. A change of the client's algorithm applies to
 * its next token.
 */
class Es256ClientTokensTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String SERVICE = "es-svc";
    static final String RP = "es-rp";
    static final String CALLBACK = "https://rp.example/callback";
    static final String AFTER_LOGOUT = "https://rp.example/signed-out";

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
        TestClients.confidential(SERVICE).insert(pool);
        TestClients.publicClient(RP)
                .browser(CALLBACK)
                .postLogout(AFTER_LOGOUT)
                .firstParty()
                .scopes("openid", "profile", "notes:read")
                .insert(pool);
        signingAlg(SERVICE, "ES256");
        signingAlg(RP, "ES256");
        for (String user : new String[] {"uma", "vic"}) {
            TestUsers.insert(pool, user, user + "-password-1");
        }
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void clientCredentialsWhenClientIsEs256ThenEs256AccessTokenOfAnEcKeyInTheJwksVerifiedByNimbus() throws Exception {
        String token = clientToken();
        JWSObject jws = JWSObject.parse(token);
        assertEquals(JWSAlgorithm.ES256, jws.getHeader().getAlgorithm());
        assertEquals("at+jwt", jws.getHeader().getType().getType());
        JWK key = jwks().getKeyByKeyId(jws.getHeader().getKeyID());
        assertNotNull(key, "the signing key is in the JWKS");
        assertEquals("EC", key.getKeyType().getValue());
        assertEquals("ES256", key.getAlgorithm().getName());
        assertEquals(64, jws.getSignature().decode().length, "JOSE R‖S, not DER");

        JWTClaimsSet claims = AccessTokens.verify(token, stack.jwksUrl(), "resource-demo", JWSAlgorithm.ES256);
        assertEquals(SERVICE, claims.getSubject());
        assertThrows(
                Exception.class,
                () -> AccessTokens.verify(token, stack.jwksUrl(), "resource-demo", JWSAlgorithm.RS256),
                "an RS256-only verifier does not take it");
    }

    @Test
    void browserSignInWhenClientIsEs256ThenAccessIdAndRefreshedTokensAreEs256AndAuthServerTakesThem() throws Exception {
        TestBrowser browser = new TestBrowser(auth.client());
        JsonObject tokens = signIn(browser, "uma", "openid profile notes:read");
        String access = tokens.getString("access_token");
        String idToken = tokens.getString("id_token");
        assertEquals(JWSAlgorithm.ES256, JWSObject.parse(access).getHeader().getAlgorithm());
        assertEquals(JWSAlgorithm.ES256, JWSObject.parse(idToken).getHeader().getAlgorithm());
        AccessTokens.verify(access, stack.jwksUrl(), "resource-demo", JWSAlgorithm.ES256);
        JWTClaimsSet id = AccessTokens.verifyTyped(
                idToken, "JWT", stack.jwksUrl(), RP, Set.of("sub", "exp", "iat", "sid"), JWSAlgorithm.ES256);
        assertEquals(atHash(access), id.getStringClaim("at_hash"), "at_hash is SHA-256's left half for ES256 too");

        // auth-server's own verification: userinfo takes the ES256 access token...
        assertEquals(200, userinfo(access).statusCode());
        // ...and refuses it with the header claiming the other algorithm (no RS/ES confusion) or none.
        assertEquals(401, userinfo(withAlg(access, "RS256")).statusCode());
        assertEquals(401, userinfo(withAlg(access, "none")).statusCode());

        HttpResponse<Buffer> refreshed = auth.token(
                null,
                "grant_type=refresh_token&client_id=" + RP + "&refresh_token="
                        + encode(tokens.getString("refresh_token")));
        assertEquals(200, refreshed.statusCode(), refreshed.bodyAsString());
        String again = refreshed.bodyAsJsonObject().getString("access_token");
        assertEquals(JWSAlgorithm.ES256, JWSObject.parse(again).getHeader().getAlgorithm());
        AccessTokens.verify(again, stack.jwksUrl(), "resource-demo", JWSAlgorithm.ES256);

        // The ES256 ID token works as an id_token_hint: the session ends without asking.
        String sid = claims(access).getString("sid");
        HttpResponse<Buffer> end = browser.get(
                "/oauth2/end-session?id_token_hint=" + idToken + "&post_logout_redirect_uri=" + encode(AFTER_LOGOUT));
        assertEquals(303, end.statusCode(), end.bodyAsString());
        assertEquals("end_session", Sql.string(pool, "SELECT end_reason FROM sessions WHERE id = $1::uuid", sid));
    }

    @Test
    void userinfoWhenAnEs256TokenIsAlteredThenAuthServerRefusesIt() throws Exception {
        String access = signIn(new TestBrowser(auth.client()), "vic", "openid notes:read")
                .getString("access_token");
        assertEquals(200, userinfo(access).statusCode());
        String rsaKid = jwks().getKeys().stream()
                .filter(k -> k.getKeyType().getValue().equals("RSA"))
                .findFirst()
                .orElseThrow()
                .getKeyID();
        String[] parts = access.split("\\.");
        byte[] joseSignature = Base64.getUrlDecoder().decode(parts[2]);

        assertEquals(
                401, userinfo(withHeader(access, "kid", rsaKid)).statusCode(), "an ES256 token claiming an RSA kid");
        assertEquals(
                401,
                userinfo(withHeader(withHeader(access, "kid", rsaKid), "alg", "RS256"))
                        .statusCode(),
                "and as RS256");
        assertEquals(401, userinfo(withSignature(access, der(joseSignature))).statusCode(), "DER instead of R‖S");
        assertEquals(401, userinfo(withSignature(access, new byte[64])).statusCode(), "a signature of all zeros");
        assertEquals(200, userinfo(access).statusCode(), "the token itself still passes");
    }

    @Test
    void tokenWhenTheClientsAlgorithmChangesThenItsNextTokenUsesTheNewOne() throws Exception {
        String client = "es-switch";
        TestClients.confidential(client).insert(pool);
        assertEquals(JWSAlgorithm.RS256, algOf(tokenOf(client)), "RS256 by default");
        signingAlg(client, "ES256");
        assertEquals(JWSAlgorithm.ES256, algOf(tokenOf(client)));
        signingAlg(client, "RS256");
        String rs = tokenOf(client);
        assertEquals(JWSAlgorithm.RS256, algOf(rs));
        AccessTokens.verify(rs, stack.jwksUrl(), "resource-demo", JWSAlgorithm.RS256);
    }

    @Test
    void discoveryWhenFetchedThenIdTokenAlgorithmsAreRs256AndEs256() {
        HttpResponse<Buffer> discovery = Await.result(
                auth.client().get("/.well-known/openid-configuration").send());
        assertEquals(
                java.util.List.of("RS256", "ES256"),
                discovery
                        .bodyAsJsonObject()
                        .getJsonArray("id_token_signing_alg_values_supported")
                        .getList());
    }

    private static void signingAlg(String clientId, String alg) {
        Sql.rows(pool, "UPDATE clients SET access_token_signing_alg = $2 WHERE client_id = $1", clientId, alg);
    }

    private static String clientToken() {
        return tokenOf(SERVICE);
    }

    private static String tokenOf(String clientId) {
        HttpResponse<Buffer> response = auth.token(clientId, "grant_type=client_credentials");
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    private static JWSAlgorithm algOf(String token) throws Exception {
        return JWSObject.parse(token).getHeader().getAlgorithm();
    }

    /** The token with its header's {@code alg} replaced, the signature kept. */
    private static String withAlg(String token, String alg) {
        return withHeader(token, "alg", alg);
    }

    /** The token with one header member replaced, the signature kept. */
    private static String withHeader(String token, String name, String value) {
        String[] parts = token.split("\\.");
        JsonObject header = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8))
                .put(name, value);
        return Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(header.toBuffer().getBytes()) + "." + parts[1] + "." + parts[2];
    }

    private static String withSignature(String token, byte[] signature) {
        String[] parts = token.split("\\.");
        return parts[0] + "." + parts[1] + "."
                + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    /** The DER form ({@code SEQUENCE { INTEGER r, INTEGER s }}) of an R‖S signature. */
    private static byte[] der(byte[] jose) {
        byte[] r = new java.math.BigInteger(1, Arrays.copyOfRange(jose, 0, 32)).toByteArray();
        byte[] s = new java.math.BigInteger(1, Arrays.copyOfRange(jose, 32, 64)).toByteArray();
        byte[] der = new byte[6 + r.length + s.length];
        der[0] = 0x30;
        der[1] = (byte) (4 + r.length + s.length);
        der[2] = 0x02;
        der[3] = (byte) r.length;
        System.arraycopy(r, 0, der, 4, r.length);
        der[4 + r.length] = 0x02;
        der[5 + r.length] = (byte) s.length;
        System.arraycopy(s, 0, der, 6 + r.length, s.length);
        return der;
    }

    private static JWKSet jwks() throws Exception {
        return JWKSet.parse(HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(stack.jwksUrl())).build(),
                        java.net.http.HttpResponse.BodyHandlers.ofString())
                .body());
    }

    private static JsonObject signIn(TestBrowser browser, String user, String scope) {
        Pkce pkce = Pkce.create();
        HttpResponse<Buffer> authorize = browser.get("/oauth2/authorize?response_type=code&client_id=" + RP
                + "&scope=" + encode(scope) + "&state=x&code_challenge=" + pkce.challenge()
                + "&code_challenge_method=S256");
        assertEquals(303, authorize.statusCode(), authorize.bodyAsString());
        String loginPath = authorize.getHeader("Location");
        HttpResponse<Buffer> page = browser.get(loginPath);
        HttpResponse<Buffer> done = browser.post(
                loginPath, "csrf", TestBrowser.csrf(page), "username", user, "password", user + "-password-1");
        assertEquals(303, done.statusCode(), done.bodyAsString());
        String code = TestBrowser.query(done).get("code");
        HttpResponse<Buffer> token = auth.token(
                null,
                "grant_type=authorization_code&client_id=" + RP + "&code=" + encode(code) + "&code_verifier="
                        + pkce.verifier());
        assertEquals(200, token.statusCode(), token.bodyAsString());
        return token.bodyAsJsonObject();
    }

    private static HttpResponse<Buffer> userinfo(String accessToken) {
        return Await.result(auth.client()
                .get("/oauth2/userinfo")
                .putHeader("Authorization", "Bearer " + accessToken)
                .send());
    }

    private static String atHash(String accessToken) throws Exception {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(accessToken.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(digest, 16));
    }
}
