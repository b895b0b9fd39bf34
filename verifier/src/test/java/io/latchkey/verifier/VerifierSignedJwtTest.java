package io.latchkey.verifier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.common.testing.Await;
import io.latchkey.verifier.TokenRejected.Reason;
import io.latchkey.verifier.testing.FakeUpstream;
import io.latchkey.verifier.testing.ProtectedTestApp;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link Verifier#verifySigned}, the signature check for the issuer's other JWTs (ID tokens, logout tokens), against
 * a fake upstream with real RSA keys: the same header rules and keys as access tokens, the type pinned by the caller.
 */
@ExtendWith(VertxExtension.class)
class VerifierSignedJwtTest {
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final TestKeys REVOKED_KEY = TestKeys.rsa2048();
    private static final TestKeys UNPUBLISHED_KEY = TestKeys.rsa2048();

    private static FakeUpstream upstream;
    private static Verifier verifier;

    @BeforeAll
    static void start(Vertx vertx) {
        upstream = new FakeUpstream(100, 300, KEY, REVOKED_KEY);
        Await.result(vertx.deployVerticle(upstream));
        ProtectedTestApp app = new ProtectedTestApp(
                ProtectedTestApp.settings(upstream, Duration.ofSeconds(30), Duration.ofSeconds(5)));
        Await.result(vertx.deployVerticle(app));
        verifier = app.verifier();
        Await.until("verifier ready", Duration.ofSeconds(10), verifier::ready);
        Await.result(upstream.revoke("kid", REVOKED_KEY.kid()));
    }

    private static TestTokens idToken() {
        return TestTokens.idToken(KEY, upstream.issuer(), "demo-web");
    }

    private static TestTokens logoutToken() {
        return TestTokens.logoutToken(KEY, upstream.issuer(), "demo-web");
    }

    private static Reason rejection(String token, String typ) {
        Throwable failure = Await.failure(verifier.verifySigned(token, typ));
        return assertInstanceOf(TokenRejected.class, failure).reason();
    }

    @Test
    void verifySignedWhenAnIdTokenOfTheIssuerThenItsKeyAndClaimsUnchecked() {
        // Expired and for another audience: claims are the caller's to check, only the signature is vouched for.
        TestTokens builder =
                idToken().claim("exp", Instant.now().getEpochSecond() - 3600).audience("someone-else");

        SignedJwt verified = Await.result(verifier.verifySigned(builder.sign(), "JWT"));

        assertEquals(KEY.kid(), verified.keyId());
        assertEquals("RS256", verified.algorithm());
        assertEquals(builder.subject(), verified.claims().getString("sub"));
        assertEquals("someone-else", verified.claims().getString("aud"));
    }

    @Test
    void verifySignedWhenALogoutTokenThenAcceptedAsLogoutJwtInEitherSpelling() {
        String token = logoutToken().sign();
        String spelledOut =
                logoutToken().header("typ", "application/logout+jwt").sign();

        assertEquals(
                KEY.kid(),
                Await.result(verifier.verifySigned(token, "logout+jwt")).keyId());
        assertEquals(
                KEY.kid(),
                Await.result(verifier.verifySigned(spelledOut, "logout+jwt")).keyId());
    }

    @Test
    void verifySignedWhenTheTypeIsAnotherThenRejected() {
        assertEquals(Reason.WRONG_TYPE, rejection(idToken().sign(), "logout+jwt"));
        assertEquals(Reason.WRONG_TYPE, rejection(logoutToken().sign(), "JWT"));
        assertEquals(
                Reason.WRONG_TYPE,
                rejection(TestTokens.valid(KEY, upstream.issuer()).sign(), "JWT"));
        assertEquals(Reason.WRONG_TYPE, rejection(idToken().withoutHeader("typ").sign(), "JWT"));
        assertEquals(
                Reason.WRONG_TYPE, rejection(logoutToken().header("typ", "JWT").sign(), "logout+jwt"));
    }

    @Test
    void verifySignedWhenAlgIsNoneOrHs256ThenRejected() {
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, rejection(idToken().unsigned() + "AAAA", "JWT"));
        assertEquals(Reason.MALFORMED, rejection(idToken().unsigned(), "JWT"));
        // The classic confusion: the public key, which anyone can read, as an HMAC secret.
        assertEquals(
                Reason.UNSUPPORTED_ALGORITHM,
                rejection(logoutToken().signHs256(KEY.publicKey().getEncoded()), "logout+jwt"));
        assertEquals(
                Reason.UNSUPPORTED_ALGORITHM,
                rejection(idToken().signHs256(KEY.jwk().encode().getBytes(StandardCharsets.UTF_8)), "JWT"));
        assertEquals(
                Reason.UNSUPPORTED_ALGORITHM,
                rejection(idToken().header("alg", "RS384").sign(), "JWT"));
    }

    @Test
    void verifySignedWhenTheKidIsUnknownThenRejected() {
        assertEquals(
                Reason.UNKNOWN_KEY,
                rejection(
                        TestTokens.idToken(UNPUBLISHED_KEY, upstream.issuer(), "demo-web")
                                .sign(),
                        "JWT"));
        assertEquals(Reason.MALFORMED, rejection(idToken().withoutHeader("kid").sign(), "JWT"));
    }

    @Test
    void verifySignedWhenTheSignatureIsNotTheNamedKeysThenRejected() {
        String forged = TestTokens.logoutToken(UNPUBLISHED_KEY, upstream.issuer(), "demo-web")
                .header("kid", KEY.kid())
                .sign();
        String genuine = idToken().sign();
        int dot = genuine.lastIndexOf('.');
        String signature = genuine.substring(dot + 1);
        String tampered = genuine.substring(0, dot + 1)
                + (signature.startsWith("AAAA") ? "BBBB" : "AAAA")
                + signature.substring(4);

        assertEquals(Reason.BAD_SIGNATURE, rejection(forged, "logout+jwt"));
        assertEquals(Reason.BAD_SIGNATURE, rejection(tampered, "JWT"));
    }

    @Test
    void verifySignedWhenAHeaderNamesAKeyOrIsCriticalThenRejected() {
        assertEquals(
                Reason.FORBIDDEN_HEADER,
                rejection(idToken().header("jku", "https://evil.example/jwks").sign(), "JWT"));
        assertEquals(
                Reason.FORBIDDEN_HEADER,
                rejection(idToken().header("jwk", KEY.jwk()).sign(), "JWT"));
        assertEquals(
                Reason.FORBIDDEN_HEADER,
                rejection(idToken().header("crit", new JsonArray().add("exp")).sign(), "JWT"));
    }

    @Test
    void verifySignedWhenTheKeyWasRevokedOnTheFeedThenRejected() {
        Await.until("kid revocation seen", Duration.ofSeconds(10), () -> {
            Future<SignedJwt> result = verifier.verifySigned(
                    TestTokens.idToken(REVOKED_KEY, upstream.issuer(), "demo-web")
                            .sign(),
                    "JWT");
            Throwable cause =
                    Await.result(result.transform(ar -> Future.succeededFuture(ar.failed() ? ar.cause() : null)));
            return cause instanceof TokenRejected r && r.reason() == Reason.REVOKED;
        });
    }

    @Test
    void verifySignedWhenNotAJwtThenMalformed() {
        assertEquals(Reason.MALFORMED, rejection("not-a-jwt", "JWT"));
        assertEquals(Reason.MALFORMED, rejection("a.b.c", "JWT"));
    }

    @Test
    void verifySignedWhenTheVerifierIsNotReadyThenUnavailable(Vertx vertx) {
        Verifier idle = Verifier.create(
                vertx, ProtectedTestApp.settings(upstream, Duration.ofSeconds(30), Duration.ofSeconds(5)));

        assertInstanceOf(
                VerifierUnavailable.class,
                Await.failure(idle.verifySigned(idToken().sign(), "JWT")));
        Await.result(idle.close());
    }

    @Test
    void verifySignedWhenAskedForTheAccessTokenTypeThenRefusedOutright() {
        String token = TestTokens.valid(KEY, upstream.issuer()).sign();

        assertThrows(IllegalArgumentException.class, () -> verifier.verifySigned(token, "at+jwt"));
        assertThrows(IllegalArgumentException.class, () -> verifier.verifySigned(token, "AT+JWT"));
    }

    @Test
    void verifyWhenAnIdTokenOrLogoutTokenIsPresentedAsAnAccessTokenThenRejected() {
        Throwable id = Await.failure(
                verifier.verify(idToken().claim("aud", "resource-demo").sign()));
        Throwable logout = Await.failure(verifier.verify(logoutToken().sign()));

        assertEquals(
                Reason.WRONG_TYPE, assertInstanceOf(TokenRejected.class, id).reason());
        assertEquals(
                Reason.WRONG_TYPE, assertInstanceOf(TokenRejected.class, logout).reason());
    }
}
