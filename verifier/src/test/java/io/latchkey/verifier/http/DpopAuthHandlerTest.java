package io.latchkey.verifier.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.dpop.DpopProofRejected;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.latchkey.common.testing.TestDpopProof;
import io.latchkey.common.testing.TestJoseKey;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.ProtectedTestApp;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * DPoP-bound tokens at a resource server (RFC 9449 §7, issue 20), behind real HTTP with real keys: every proof rule
 * refused with {@code invalid_dpop_proof} and a {@code DPoP} challenge, a stolen bound token useless as Bearer or with
 * the thief's own proof, and the verified-token cache never standing in for a proof.
 */
@ExtendWith(VertxExtension.class)
class DpopAuthHandlerTest {
    private static final String ALGS = "ES256 RS256 EdDSA";
    private static final String EXTERNAL = "https://api.example.com";
    private static final TestKeys SIGNING_KEY = TestKeys.es256();
    private static final TestJoseKey CLIENT_KEY = TestJoseKey.es256();

    private static FakeUpstream upstream;
    private static ProtectedTestApp app;
    private static ProtectedTestApp proxied;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, SIGNING_KEY, TestKeys.rsa2048());
        Await.result(vertx.deployVerticle(upstream));
        var settings = ProtectedTestApp.settings(upstream, Duration.ofSeconds(30), Duration.ofSeconds(5));
        app = new ProtectedTestApp(settings);
        Await.result(vertx.deployVerticle(app));
        // Behind a proxy: clients call https://api.example.com, the app listens on loopback.
        proxied = new ProtectedTestApp(settings.withDpop(Optional.of(URI.create(EXTERNAL)), 1_000));
        Await.result(vertx.deployVerticle(proxied));
        client = WebClient.create(vertx);
        Await.until(
                "verifiers ready",
                Duration.ofSeconds(10),
                () -> app.verifier().ready() && proxied.verifier().ready());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + app.port() + path;
    }

    /** A token bound to {@code key}. */
    private static String boundToken(TestJoseKey key) {
        return TestTokens.valid(SIGNING_KEY, upstream.issuer())
                .scope("notes:read")
                .boundTo(key.thumbprint())
                .sign();
    }

    private static TestDpopProof proof(TestJoseKey key, String token) {
        return TestDpopProof.by(key).htm("GET").htu(url("/protected")).accessToken(token);
    }

    private static HttpResponse<Buffer> dpop(ProtectedTestApp target, String path, String token, String... proofs) {
        HttpRequest<Buffer> request =
                client.get(target.port(), "127.0.0.1", path).putHeader("Authorization", "DPoP " + token);
        if (proofs.length > 0) {
            request.putHeader("DPoP", List.of(proofs));
        }
        return Await.result(request.send());
    }

    private static HttpResponse<Buffer> dpop(String token, String proof) {
        return dpop(app, "/protected", token, proof);
    }

    private static HttpResponse<Buffer> bearer(String token) {
        return Await.result(client.get(app.port(), "127.0.0.1", "/protected")
                .putHeader("Authorization", "Bearer " + token)
                .send());
    }

    private static void assertInvalidProof(HttpResponse<Buffer> response) {
        assertEquals(401, response.statusCode(), response.bodyAsString());
        JsonObject body = response.bodyAsJsonObject();
        assertEquals("invalid_dpop_proof", body.getString("error"));
        assertEquals(
                "DPoP realm=\"resource-demo\", error=\"invalid_dpop_proof\", error_description=\""
                        + body.getString("error_description") + "\", algs=\"" + ALGS + "\"",
                response.getHeader("WWW-Authenticate"));
        assertEquals("no-store", response.getHeader("Cache-Control"));
    }

    private static void assertRefused(DpopProofRejected.Reason reason, String token, String proof) {
        long before = app.verifier().metrics().dpopProofsRejected(reason);
        assertInvalidProof(dpop(token, proof));
        assertEquals(before + 1, app.verifier().metrics().dpopProofsRejected(reason), reason.name());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ES256", "RS256", "EdDSA"})
    void requestWhenBoundTokenWithValidProofThen200(String alg) {
        TestJoseKey key = TestJoseKey.of(
                io.latchkey.common.jose.JwsAlgorithm.fromHeader(alg).orElseThrow());
        String token = boundToken(key);
        long accepted = app.verifier().metrics().dpopProofsAccepted();

        HttpResponse<Buffer> response = dpop(token, proof(key, token).sign());

        assertEquals(200, response.statusCode(), response.bodyAsString());
        assertEquals("notes:read", response.bodyAsJsonObject().getString("scope"));
        assertEquals(accepted + 1, app.verifier().metrics().dpopProofsAccepted());
    }

    @Test
    void requestWhenCachedTokenThenEachRequestStillNeedsAFreshProof() {
        String token = boundToken(CLIENT_KEY);
        String first = proof(CLIENT_KEY, token).sign();
        assertEquals(200, dpop(token, first).statusCode());

        // The token now sits in the verified-token cache: a fresh proof passes, the same proof again does not, and no
        // proof at all does not either.
        assertEquals(200, dpop(token, proof(CLIENT_KEY, token).sign()).statusCode());
        assertRefused(DpopProofRejected.Reason.REPLAYED, token, first);
        assertInvalidProof(dpop(app, "/protected", token));
        assertEquals(401, bearer(token).statusCode());
    }

    @Test
    void requestWhenWrongHtmThenRefused() {
        String token = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.WRONG_METHOD,
                token,
                proof(CLIENT_KEY, token).htm("POST").sign());
    }

    @Test
    void requestWhenWrongHtuThenRefused() {
        String token = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.WRONG_URI,
                token,
                proof(CLIENT_KEY, token).htu(url("/write")).sign());
        assertRefused(
                DpopProofRejected.Reason.WRONG_URI,
                token,
                proof(CLIENT_KEY, token).htu("https://evil.example/protected").sign());
    }

    @Test
    void requestWhenHtuDiffersOnlyByQueryOrCaseOrDefaultPortThenAccepted() {
        String token = boundToken(CLIENT_KEY);
        String proof = proof(CLIENT_KEY, token)
                .htu("HTTP://127.0.0.1:" + app.port() + "/protected?x=1")
                .sign();

        assertEquals(200, dpop(app, "/protected?y=2", token, proof).statusCode());
    }

    @Test
    void requestWhenBehindProxyThenHtuIsTheExternalUrlPlusPath() {
        String token = boundToken(CLIENT_KEY);
        String external = TestDpopProof.by(CLIENT_KEY)
                .htm("GET")
                .htu(EXTERNAL + "/protected")
                .accessToken(token)
                .sign();
        String local = TestDpopProof.by(CLIENT_KEY)
                .htm("GET")
                .htu("http://127.0.0.1:" + proxied.port() + "/protected")
                .accessToken(token)
                .sign();

        assertEquals(200, dpop(proxied, "/protected", token, external).statusCode());
        assertInvalidProof(dpop(proxied, "/protected", token, local));
    }

    @Test
    void requestWhenIatTooOldOrInTheFutureThenRefused() {
        String token = boundToken(CLIENT_KEY);
        long now = Instant.now().getEpochSecond();

        assertRefused(
                DpopProofRejected.Reason.IAT_OUT_OF_WINDOW,
                token,
                proof(CLIENT_KEY, token).iat(now - 300).sign());
        assertRefused(
                DpopProofRejected.Reason.IAT_OUT_OF_WINDOW,
                token,
                proof(CLIENT_KEY, token).iat(now + 300).sign());
    }

    @Test
    void requestWhenJtiReplayedThenRefused() {
        String token = boundToken(CLIENT_KEY);
        String proof = proof(CLIENT_KEY, token).sign();
        assertEquals(200, dpop(token, proof).statusCode());

        assertRefused(DpopProofRejected.Reason.REPLAYED, token, proof);
        // Same jti, new proof otherwise: still a replay of that key's jti.
        assertRefused(
                DpopProofRejected.Reason.REPLAYED,
                token,
                proof(CLIENT_KEY, token)
                        .jti(io.latchkey.common.jose.CompactJws.parse(proof)
                                .payload()
                                .getString("jti"))
                        .sign());
    }

    @Test
    void requestWhenWrongAthThenRefused() {
        String token = boundToken(CLIENT_KEY);
        String otherToken = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.WRONG_ATH,
                token,
                proof(CLIENT_KEY, otherToken).sign());
        assertRefused(
                DpopProofRejected.Reason.WRONG_ATH,
                token,
                proof(CLIENT_KEY, token).withoutClaim("ath").sign());
    }

    @Test
    void requestWhenProofSignedByAnotherKeyThanItsJwkThenRefused() {
        String token = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.BAD_SIGNATURE,
                token,
                proof(CLIENT_KEY, token).signBy(TestJoseKey.es256()));
    }

    @Test
    void requestWhenPrivateKeyInProofJwkThenRefused() {
        String token = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.BAD_KEY,
                token,
                proof(CLIENT_KEY, token)
                        .header("jwk", CLIENT_KEY.jwkWithPrivateMember())
                        .sign());
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "HS256"})
    void requestWhenAlgNoneOrHs256ThenRefused(String alg) {
        String token = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.UNSUPPORTED_ALGORITHM,
                token,
                proof(CLIENT_KEY, token).header("alg", alg).sign());
    }

    @Test
    void requestWhenTypMissingThenRefused() {
        String token = boundToken(CLIENT_KEY);

        assertRefused(
                DpopProofRejected.Reason.WRONG_TYPE,
                token,
                proof(CLIENT_KEY, token).withoutHeader("typ").sign());
    }

    @Test
    void requestWhenStolenBoundTokenSentAsBearerThen401InvalidToken() {
        String token = boundToken(CLIENT_KEY);
        assertEquals(200, dpop(token, proof(CLIENT_KEY, token).sign()).statusCode());

        HttpResponse<Buffer> response = bearer(token);

        assertEquals(401, response.statusCode());
        assertEquals("invalid_token", response.bodyAsJsonObject().getString("error"));
        assertTrue(response.getHeader("WWW-Authenticate")
                .startsWith("Bearer realm=\"resource-demo\", error=\"invalid_token\""));
    }

    @Test
    void requestWhenStolenBoundTokenWithTheThiefsOwnProofThenRefused() {
        String token = boundToken(CLIENT_KEY);
        TestJoseKey thief = TestJoseKey.es256();

        assertRefused(
                DpopProofRejected.Reason.KEY_MISMATCH,
                token,
                proof(thief, token).sign());
    }

    @Test
    void requestWhenNoOrTwoDpopHeadersThenRefused() {
        String token = boundToken(CLIENT_KEY);

        assertInvalidProof(dpop(app, "/protected", token));
        assertInvalidProof(dpop(
                app,
                "/protected",
                token,
                proof(CLIENT_KEY, token).sign(),
                proof(CLIENT_KEY, token).sign()));
    }

    @Test
    void requestWhenUnboundTokenWithDpopSchemeThen401InvalidTokenWithDpopChallenge() {
        String token = TestTokens.valid(SIGNING_KEY, upstream.issuer()).sign();

        HttpResponse<Buffer> response = dpop(token, proof(CLIENT_KEY, token).sign());

        assertEquals(401, response.statusCode());
        assertEquals(
                "DPoP realm=\"resource-demo\", error=\"invalid_token\", "
                        + "error_description=\"the access token is not bound to a DPoP key\", algs=\"" + ALGS + "\"",
                response.getHeader("WWW-Authenticate"));
    }

    @Test
    void requestWhenMalformedCnfThenInvalidToken() {
        String token = TestTokens.valid(SIGNING_KEY, upstream.issuer())
                .claim("cnf", new JsonObject().put("x5t#S256", "abc"))
                .sign();

        assertEquals(401, bearer(token).statusCode());
        assertEquals(
                "invalid_token",
                dpop(token, proof(CLIENT_KEY, token).sign()).bodyAsJsonObject().getString("error"));
    }

    @Test
    void requestWhenNoCredentialsThenBearerAndDpopChallenges() {
        HttpResponse<Buffer> response =
                Await.result(client.get(app.port(), "127.0.0.1", "/protected").send());

        assertEquals(401, response.statusCode());
        assertEquals(
                List.of("Bearer realm=\"resource-demo\"", "DPoP realm=\"resource-demo\", algs=\"" + ALGS + "\""),
                response.headers().getAll("WWW-Authenticate"));
    }

    @Test
    void requestWhenDpopTokenLacksScopeThen403WithDpopChallenge() {
        String token = boundToken(CLIENT_KEY);
        String proof = TestDpopProof.by(CLIENT_KEY)
                .htm("GET")
                .htu(url("/write"))
                .accessToken(token)
                .sign();

        HttpResponse<Buffer> response = dpop(app, "/write", token, proof);

        assertEquals(403, response.statusCode());
        assertEquals(
                "DPoP realm=\"resource-demo\", error=\"insufficient_scope\", "
                        + "error_description=\"the access token lacks scope notes:write\", scope=\"notes:write\", algs=\""
                        + ALGS + "\"",
                response.getHeader("WWW-Authenticate"));
    }

    @Test
    void metricsWhenProofsCheckedThenCountedByResult() {
        String token = boundToken(CLIENT_KEY);
        dpop(token, proof(CLIENT_KEY, token).sign());

        var samples = PrometheusText.parse(app.verifier().metricsText());

        assertTrue(PrometheusText.sum(samples, "latchkey_verifier_dpop_proofs_total", "result=\"accepted\"") >= 1);
        assertTrue(samples.containsKey("latchkey_verifier_dpop_proofs_total{result=\"replayed\"}"));
    }
}
