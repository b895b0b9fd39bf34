package io.latchkey.verifier.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.ProtectedTestApp;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Every attack {@link BearerAuthHandlerTest} refuses, repeated with ES256 tokens beside RS256 ones (issue 19), behind
 * real HTTP against a JWKS serving both key types: the algorithm is the key's, never the header's.
 */
@ExtendWith(VertxExtension.class)
class BearerAuthHandlerEs256Test {
    /** Order of P-256 (FIPS 186-4 D.1.2.3). */
    private static final BigInteger P256_ORDER =
            new BigInteger("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551", 16);

    private static final TestKeys EC_KEY = TestKeys.es256();
    private static final TestKeys RSA_KEY = TestKeys.rsa2048();
    private static final TestKeys OFF_CURVE_KEY = TestKeys.es256();
    private static final TestKeys REVOKED_EC_KEY = TestKeys.es256();

    private static FakeUpstream upstream;
    private static ProtectedTestApp app;
    private static WebClient client;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, EC_KEY, RSA_KEY, REVOKED_EC_KEY);
        // A published EC key whose point was moved off the curve: the invalid-curve attack's key.
        JsonObject offCurve = OFF_CURVE_KEY.jwk();
        BigInteger y = new BigInteger(1, Base64.getUrlDecoder().decode(offCurve.getString("y")));
        offCurve.put("y", b64(fixed32(y.add(BigInteger.ONE))));
        upstream.publishJwk(offCurve);
        Await.result(vertx.deployVerticle(upstream));
        app = new ProtectedTestApp(ProtectedTestApp.settings(upstream, Duration.ofSeconds(30), Duration.ofSeconds(5)));
        Await.result(vertx.deployVerticle(app));
        client = WebClient.create(vertx);
        Await.until(
                "verifier ready", Duration.ofSeconds(10), () -> app.verifier().ready());
    }

    @AfterAll
    static void stop() {
        client.close();
    }

    private static TestTokens es256() {
        return TestTokens.valid(EC_KEY, upstream.issuer());
    }

    private static HttpResponse<Buffer> get(String token) {
        return Await.result(client.get(app.port(), "127.0.0.1", "/protected")
                .putHeader("Authorization", "Bearer " + token)
                .send());
    }

    /** 401 invalid_token over HTTP, and the verifier's reason for it. */
    private static void assertRefused(Reason reason, String token) {
        HttpResponse<Buffer> response = get(token);
        assertEquals(401, response.statusCode());
        assertEquals(
                "Bearer realm=\"resource-demo\", error=\"invalid_token\", error_description=\""
                        + new TokenRejected(reason, "").clientDescription() + "\"",
                response.getHeader("WWW-Authenticate"));
        Throwable failure = Await.failure(app.verifier().verify(token));
        assertEquals(reason, assertInstanceOf(TokenRejected.class, failure).reason(), failure.getMessage());
    }

    @Test
    void requestWhenEs256TokenValidThen200() {
        TestTokens builder = es256().scope("notes:read");

        HttpResponse<Buffer> response = get(builder.sign());

        assertEquals(200, response.statusCode());
        assertEquals(
                new JsonObject().put("sub", builder.subject()).put("scope", "notes:read"), response.bodyAsJsonObject());
        AccessToken verified = Await.result(app.verifier().verify(builder.sign()));
        assertEquals(EC_KEY.kid(), verified.keyId());
    }

    @Test
    void requestWhenRs256TokenBesideEs256KeysThen200() {
        assertEquals(
                200, get(TestTokens.valid(RSA_KEY, upstream.issuer()).sign()).statusCode());
    }

    @Test
    void requestWhenHeaderAlgSwappedToRs256ThenRefused() {
        // An EC key's token relabelled RS256: the key pins ES256.
        assertRefused(
                Reason.UNSUPPORTED_ALGORITHM, es256().header("alg", "RS256").sign());
    }

    @Test
    void requestWhenAlgNoneOrHs256WithTheEcKeyThenRefused() {
        assertRefused(Reason.UNSUPPORTED_ALGORITHM, es256().unsigned() + "c2ln");
        assertRefused(
                Reason.UNSUPPORTED_ALGORITHM,
                es256().signHs256(EC_KEY.publicKey().getEncoded()));
        assertRefused(
                Reason.UNSUPPORTED_ALGORITHM,
                es256().signHs256(EC_KEY.jwk().encode().getBytes(StandardCharsets.UTF_8)));
        assertRefused(
                Reason.UNSUPPORTED_ALGORITHM, es256().header("alg", "ES384").sign());
        assertRefused(
                Reason.UNSUPPORTED_ALGORITHM, es256().header("alg", "EdDSA").sign());
    }

    @Test
    void requestWhenSignatureInDerInsteadOfRsThenRefused() {
        assertRefused(Reason.BAD_SIGNATURE, es256().signDer());
    }

    @Test
    void requestWhenSignatureAllZerosThenRefused() {
        assertRefused(Reason.BAD_SIGNATURE, es256().withSignature(new byte[64]));
        assertRefused(Reason.BAD_SIGNATURE, es256().withSignature(new byte[256]));
    }

    @Test
    void requestWhenROrSNotBelowTheOrderThenRefused() {
        TestTokens builder = es256();
        String good = builder.sign();
        byte[] signature = Base64.getUrlDecoder().decode(good.substring(good.lastIndexOf('.') + 1));
        byte[] rIsN = signature.clone();
        System.arraycopy(fixed32(P256_ORDER), 0, rIsN, 0, 32);

        assertRefused(Reason.BAD_SIGNATURE, builder.withSignature(rIsN));
        assertRefused(Reason.BAD_SIGNATURE, builder.withSignature(Arrays.copyOf(signature, 65)));
    }

    @Test
    void requestWhenKeyPointNotOnTheCurveThenRefusedAndOtherKeysStillWork() {
        // The JWKS entry was skipped as unreadable, so its kid is unknown; the well-formed keys beside it still verify.
        assertRefused(
                Reason.UNKNOWN_KEY,
                TestTokens.valid(OFF_CURVE_KEY, upstream.issuer()).sign());
        assertEquals(200, get(es256().sign()).statusCode());
    }

    @Test
    void requestWhenEs256TokenClaimsAnRsaKidThenRefused() {
        String token = es256().header("kid", RSA_KEY.kid()).sign();

        assertRefused(Reason.UNSUPPORTED_ALGORITHM, token);
    }

    @Test
    void requestWhenRs256TokenClaimsAnEcKidThenRefused() {
        String token = TestTokens.valid(RSA_KEY, upstream.issuer())
                .header("kid", EC_KEY.kid())
                .sign();

        assertRefused(Reason.UNSUPPORTED_ALGORITHM, token);
    }

    @Test
    void requestWhenSignedByAnotherEcKeyThenRefused() {
        assertRefused(Reason.BAD_SIGNATURE, es256().signWith(TestKeys.es256()));
    }

    @Test
    void requestWhenPayloadTamperedThenRefused() {
        String[] parts = es256().scope("notes:read").sign().split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8))
                .put("scope", "notes:read notes:write");
        String payload = b64(claims.encode().getBytes(StandardCharsets.UTF_8));

        assertRefused(Reason.BAD_SIGNATURE, parts[0] + "." + payload + "." + parts[2]);
    }

    @Test
    void requestWhenTokenCarriesItsOwnEcJwkThenRefused() {
        TestKeys attacker = TestKeys.es256();
        String token = TestTokens.valid(attacker, upstream.issuer())
                .header("jwk", attacker.jwk())
                .sign();

        assertRefused(Reason.FORBIDDEN_HEADER, token);
    }

    @Test
    void requestWhenEs256JtiRevokedThenRejectedEvenWhenCached() {
        TestTokens builder = es256();
        String token = builder.sign();
        assertEquals(200, get(token).statusCode());

        Await.result(upstream.revoke("jti", builder.jti(), null, builder.exp() + 60));

        Await.untilEquals("revoked ES256 jti rejected", Duration.ofSeconds(1), 401, () -> get(token)
                .statusCode());
    }

    @Test
    void requestWhenEcKidRevokedThenKeyNeverAcceptedAgainAndRsaUntouched() {
        String token = TestTokens.valid(REVOKED_EC_KEY, upstream.issuer()).sign();
        assertEquals(200, get(token).statusCode());

        Await.result(upstream.revoke("kid", REVOKED_EC_KEY.kid()));

        Await.untilEquals("token of revoked EC key rejected", Duration.ofSeconds(1), 401, () -> get(token)
                .statusCode());
        assertRefused(
                Reason.REVOKED,
                TestTokens.valid(REVOKED_EC_KEY, upstream.issuer()).sign());
        assertEquals(
                200, get(TestTokens.valid(RSA_KEY, upstream.issuer()).sign()).statusCode());
        assertEquals(200, get(es256().sign()).statusCode());
    }

    private static byte[] fixed32(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(32, bytes.length);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return out;
    }

    private static String b64(byte[] bytes) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
