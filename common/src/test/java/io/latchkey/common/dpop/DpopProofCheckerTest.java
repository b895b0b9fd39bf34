package io.latchkey.common.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.common.dpop.DpopProofRejected.Reason;
import io.latchkey.common.jose.Base64Url;
import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.testing.TestDpopProof;
import io.latchkey.common.testing.TestJoseKey;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class DpopProofCheckerTest {
    private static final String URL = "https://rs.example/api/notes";
    private static final String TOKEN = "eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
    private static final TestJoseKey EC = TestJoseKey.es256();

    private final MutableClock clock = new MutableClock(Instant.now());
    private final DpopProofChecker checker = new DpopProofChecker(
            DpopProofChecker.DEFAULT_ALGORITHMS, Duration.ofSeconds(60), Duration.ofSeconds(5), clock);

    private TestDpopProof proof(TestJoseKey key) {
        return TestDpopProof.by(key)
                .htm("GET")
                .htu(URL)
                .accessToken(TOKEN)
                .iat(clock.instant().getEpochSecond());
    }

    private DpopProof check(String proof) {
        return checker.check(proof, "GET", URL, TOKEN, DpopNonceCheck.NONE);
    }

    private static void assertRejected(Reason reason, Executable check) {
        DpopProofRejected e = assertThrows(DpopProofRejected.class, check);
        assertEquals(reason, e.reason(), e.getMessage());
        assertEquals(reason == Reason.NONCE ? "use_dpop_nonce" : "invalid_dpop_proof", e.error());
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void checkWhenValidProofThenThumbprintAndClaims(JwsAlgorithm algorithm) {
        TestJoseKey key = TestJoseKey.of(algorithm);
        TestDpopProof builder = proof(key).jti("j-1");

        DpopProof checked = check(builder.sign());

        assertEquals(key.thumbprint(), checked.jkt());
        assertEquals("j-1", checked.jti());
        assertEquals("GET", checked.htm());
        assertEquals(URL, checked.htu());
        assertEquals(clock.instant().getEpochSecond(), checked.iat().getEpochSecond());
    }

    @Test
    void checkWhenEd25519NamedAlgThenAccepted() {
        TestJoseKey key = TestJoseKey.ed25519();

        assertEquals(
                key.thumbprint(),
                check(proof(key).header("alg", "Ed25519").sign()).jkt());
    }

    @Test
    void checkWhenHtuInAnotherEquivalentFormThenAccepted() {
        String proof = proof(EC).htu("HTTPS://RS.example:443/api/notes").sign();

        assertEquals(
                URL,
                checker.check(proof, "GET", URL + "?page=2", TOKEN, DpopNonceCheck.NONE)
                        .htu());
    }

    @Test
    void checkWhenNoAccessTokenThenAthNotRequired() {
        String proof = proof(EC).withoutClaim("ath").htm("POST").sign();

        checker.check(proof, "POST", URL, null, DpopNonceCheck.NONE);
    }

    @Test
    void checkWhenWrongHtmThenRefused() {
        assertRejected(Reason.WRONG_METHOD, () -> check(proof(EC).htm("POST").sign()));
        assertRejected(Reason.WRONG_METHOD, () -> check(proof(EC).htm("get").sign()));
        assertRejected(
                Reason.WRONG_METHOD, () -> check(proof(EC).withoutClaim("htm").sign()));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "https://rs.example/api/notes/1",
                "https://rs.example/api/note",
                "http://rs.example/api/notes",
                "https://rs.example:8443/api/notes",
                "https://other.example/api/notes",
                "/api/notes",
                "not a uri"
            })
    void checkWhenWrongHtuThenRefused(String htu) {
        assertRejected(Reason.WRONG_URI, () -> check(proof(EC).htu(htu).sign()));
    }

    @Test
    void checkWhenHtuMissingThenRefused() {
        assertRejected(
                Reason.WRONG_URI, () -> check(proof(EC).withoutClaim("htu").sign()));
    }

    @Test
    void checkWhenIatTooOldOrInTheFutureThenRefused() {
        long now = clock.instant().getEpochSecond();

        assertRejected(
                Reason.IAT_OUT_OF_WINDOW, () -> check(proof(EC).iat(now - 66).sign()));
        assertRejected(
                Reason.IAT_OUT_OF_WINDOW, () -> check(proof(EC).iat(now + 66).sign()));
        assertRejected(
                Reason.IAT_OUT_OF_WINDOW,
                () -> check(proof(EC).withoutClaim("iat").sign()));
        assertRejected(
                Reason.IAT_OUT_OF_WINDOW,
                () -> check(proof(EC).claim("iat", "" + now).sign()));
        assertRejected(
                Reason.IAT_OUT_OF_WINDOW,
                () -> check(proof(EC).claim("iat", now + 0.5).sign()));
        check(proof(EC).iat(now - 65).sign());
        check(proof(EC).iat(now + 65).sign());
    }

    @Test
    void checkWhenJtiMissingOrTooLongThenRefused() {
        assertRejected(Reason.BAD_JTI, () -> check(proof(EC).withoutClaim("jti").sign()));
        assertRejected(Reason.BAD_JTI, () -> check(proof(EC).jti("").sign()));
        assertRejected(Reason.BAD_JTI, () -> check(proof(EC).claim("jti", 7).sign()));
        assertRejected(
                Reason.BAD_JTI, () -> check(proof(EC).jti("j".repeat(257)).sign()));
    }

    @Test
    void checkWhenWrongOrMissingAthThenRefused() {
        assertRejected(
                Reason.WRONG_ATH, () -> check(proof(EC).accessToken(TOKEN + "x").sign()));
        assertRejected(
                Reason.WRONG_ATH, () -> check(proof(EC).withoutClaim("ath").sign()));
        assertRejected(
                Reason.WRONG_ATH,
                () -> check(proof(EC)
                        .claim("ath", Base64Url.encode(TOKEN.getBytes(StandardCharsets.US_ASCII)))
                        .sign()));
    }

    @Test
    void checkWhenSignedByAnotherKeyThenRefused() {
        TestJoseKey other = TestJoseKey.es256();

        assertRejected(Reason.BAD_SIGNATURE, () -> check(proof(EC).signBy(other)));
    }

    @Test
    void checkWhenKeyAlreadyCachedThenEveryProofStillVerifiedAgainstIt() {
        TestJoseKey key = TestJoseKey.es256();
        check(proof(key).sign());
        check(proof(key).sign());

        assertRejected(Reason.BAD_SIGNATURE, () -> check(proof(key).signBy(TestJoseKey.es256())));
        assertRejected(
                Reason.BAD_KEY,
                () -> check(proof(key).header("jwk", key.jwkWithPrivateMember()).sign()));
    }

    @Test
    void checkWhenSignatureTamperedOrZeroThenRefused() {
        String good = proof(EC).sign();
        String zeros = good.substring(0, good.lastIndexOf('.') + 1) + Base64Url.encode(new byte[64]);

        assertRejected(Reason.BAD_SIGNATURE, () -> check(zeros));
    }

    @Test
    void checkWhenEs256SignatureInDerThenRefused() {
        TestDpopProof builder = proof(EC);
        String good = builder.sign();
        String input = good.substring(0, good.lastIndexOf('.'));
        String der = input + "." + Base64Url.encode(EC.signDer(input.getBytes(StandardCharsets.US_ASCII)));

        assertRejected(Reason.BAD_SIGNATURE, () -> check(der));
    }

    @ParameterizedTest
    @EnumSource(JwsAlgorithm.class)
    void checkWhenPrivateKeyInJwkThenRefused(JwsAlgorithm algorithm) {
        TestJoseKey key = TestJoseKey.of(algorithm);

        assertRejected(
                Reason.BAD_KEY,
                () -> check(proof(key).header("jwk", key.jwkWithPrivateMember()).sign()));
    }

    @Test
    void checkWhenJwkMissingOrNotAnObjectThenRefused() {
        assertRejected(
                Reason.BAD_KEY, () -> check(proof(EC).withoutHeader("jwk").sign()));
        assertRejected(
                Reason.BAD_KEY, () -> check(proof(EC).header("jwk", "key").sign()));
    }

    @Test
    void checkWhenJwkOfAnotherTypeThanAlgThenRefused() {
        TestJoseKey rsa = TestJoseKey.rs256();

        // An RSA key under an ES256 header: the key pins the algorithm.
        assertRejected(
                Reason.BAD_KEY, () -> check(proof(rsa).header("alg", "ES256").sign()));
        assertRejected(
                Reason.BAD_KEY, () -> check(proof(EC).header("alg", "RS256").sign()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "HS256", "ES384", "PS256", "RS512"})
    void checkWhenAlgNoneHmacOrUnsupportedThenRefused(String alg) {
        assertRejected(
                Reason.UNSUPPORTED_ALGORITHM,
                () -> check(proof(EC).header("alg", alg).sign()));
    }

    @Test
    void checkWhenAlgNoneUnsignedThenRefused() {
        TestDpopProof builder = proof(EC).header("alg", "none");
        String good = builder.sign();
        String unsigned = good.substring(0, good.lastIndexOf('.') + 1);

        assertThrows(DpopProofRejected.class, () -> check(unsigned));
    }

    @Test
    void checkWhenAlgNotInTheAllowedSetThenRefused() {
        var esOnly = new DpopProofChecker(
                EnumSet.of(JwsAlgorithm.ES256), Duration.ofSeconds(60), Duration.ofSeconds(5), clock);
        String proof = proof(TestJoseKey.ed25519()).sign();

        assertRejected(Reason.UNSUPPORTED_ALGORITHM, () -> esOnly.check(proof, "GET", URL, TOKEN, DpopNonceCheck.NONE));
    }

    @Test
    void checkWhenTypMissingOrWrongThenRefused() {
        assertRejected(
                Reason.WRONG_TYPE, () -> check(proof(EC).withoutHeader("typ").sign()));
        assertRejected(
                Reason.WRONG_TYPE, () -> check(proof(EC).header("typ", "JWT").sign()));
        assertRejected(
                Reason.WRONG_TYPE, () -> check(proof(EC).header("typ", "at+jwt").sign()));
    }

    @Test
    void checkWhenCritHeaderThenRefused() {
        assertRejected(
                Reason.MALFORMED,
                () -> check(proof(EC)
                        .header("crit", new io.vertx.core.json.JsonArray().add("x"))
                        .sign()));
    }

    @Test
    void checkWhenNotACompactJwsThenRefused() {
        assertRejected(Reason.MALFORMED, () -> check("abc"));
        assertRejected(Reason.MALFORMED, () -> check(null));
        assertRejected(Reason.MALFORMED, () -> check(proof(EC).sign() + ".x"));
    }

    @Test
    void checkWhenNonceRequiredThenMissingOrStaleIsUseDpopNonce() {
        DpopNonceCheck expectsN1 = "n1"::equals;
        String without = proof(EC).sign();
        String stale = proof(EC).claim("nonce", "n0").sign();
        String fresh = proof(EC).claim("nonce", "n1").sign();

        assertRejected(Reason.NONCE, () -> checker.check(without, "GET", URL, TOKEN, expectsN1));
        assertRejected(Reason.NONCE, () -> checker.check(stale, "GET", URL, TOKEN, expectsN1));
        checker.check(fresh, "GET", URL, TOKEN, expectsN1);
    }

    @Test
    void checkOnceWhenReplayedThenRefused() {
        var replays = new InMemoryDpopReplayCache(100, checker.acceptance(), clock);
        String proof = proof(EC).sign();

        checker.checkOnce(proof, "GET", URL, TOKEN, DpopNonceCheck.NONE, replays);

        assertRejected(
                Reason.REPLAYED, () -> checker.checkOnce(proof, "GET", URL, TOKEN, DpopNonceCheck.NONE, replays));
    }

    @Test
    void checkOnceWhenForgedThenNotRemembered() {
        var replays = new InMemoryDpopReplayCache(100, checker.acceptance(), clock);
        String forged = proof(EC).jti("j").signBy(TestJoseKey.es256());

        assertThrows(
                DpopProofRejected.class,
                () -> checker.checkOnce(forged, "GET", URL, TOKEN, DpopNonceCheck.NONE, replays));
        assertEquals(0, replays.size());
    }

    @Test
    void algorithmsWhenDefaultThenEs256Rs256EdDsaInThatOrder() {
        assertEquals(
                "ES256 RS256 EdDSA",
                String.join(
                        " ",
                        new DpopProofChecker()
                                .algorithms().stream()
                                        .map(JwsAlgorithm::jwsName)
                                        .toList()));
    }

    @Test
    void checkWhenDuplicateHeaderMemberThenRefused() {
        String header = Base64Url.encode(
                ("{\"typ\":\"dpop+jwt\",\"alg\":\"ES256\",\"jwk\":" + EC.jwk().encode() + ",\"alg\":\"none\"}")
                        .getBytes(StandardCharsets.UTF_8));
        String payload = Base64Url.encode(new JsonObject().put("x", 1).encode().getBytes(StandardCharsets.UTF_8));
        String input = header + "." + payload;
        String proof = input + "." + Base64Url.encode(EC.sign(input.getBytes(StandardCharsets.US_ASCII)));

        assertRejected(Reason.MALFORMED, () -> check(proof));
    }
}
