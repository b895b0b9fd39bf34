package io.latchkey.verifier.token;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.latchkey.verifier.testing.TestKeys;
import io.latchkey.verifier.testing.TestTokens;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TokenRulesTest {
    private static final String ISSUER = "https://auth.example.com";
    private static final TestKeys KEY = TestKeys.rsa2048();
    private static final TestKeys OTHER_KEY = TestKeys.rsa2048();
    private final TokenRules rules = new TokenRules(ISSUER, "resource-demo");

    private AccessToken check(String token) {
        CompactJws jws = CompactJws.parse(token);
        String kid = rules.checkHeader(jws.header());
        TokenSignature.verify(jws, JwsHeaderRules.algorithm(jws.header()), KEY.verificationKey());
        return rules.checkClaims(kid, jws.claims(), Instant.now().getEpochSecond());
    }

    private static Reason rejection(String token, TokenRulesTest test) {
        return assertThrows(TokenRejected.class, () -> test.check(token)).reason();
    }

    private TestTokens token() {
        return TestTokens.valid(KEY, ISSUER);
    }

    @Test
    void checkWhenTokenValidThenClaimsReturned() {
        TestTokens builder = token().scope("notes:read notes:write");
        AccessToken token = check(builder.sign());
        assertEquals(builder.subject(), token.subject());
        assertEquals("demo-app", token.clientId());
        assertEquals(Set.of("notes:read", "notes:write"), token.scopes());
        assertEquals(builder.sid(), token.sessionId().orElseThrow());
        assertEquals(KEY.kid(), token.keyId());
    }

    @Test
    void checkWhenAudienceArrayContainsOwnAudienceThenAccepted() {
        assertDoesNotThrow(
                () -> check(token().audience("other-api", "resource-demo").sign()));
    }

    @Test
    void checkWhenExpiredBeyondLeewayThenRejected() {
        assertEquals(Reason.EXPIRED, rejection(token().expiresIn(-61).sign(), this));
    }

    @Test
    void checkWhenExpiredWithinLeewayThenAccepted() {
        assertDoesNotThrow(() -> check(token().expiresIn(-30).sign()));
    }

    @Test
    void checkWhenNotBeforeInFutureThenRejected() {
        long now = Instant.now().getEpochSecond();
        assertEquals(
                Reason.NOT_YET_VALID, rejection(token().claim("nbf", now + 120).sign(), this));
    }

    @Test
    void checkWhenIssuedInFutureThenRejected() {
        assertEquals(
                Reason.ISSUED_IN_FUTURE,
                rejection(token().issuedSecondsAgo(-120).sign(), this));
    }

    @Test
    void checkWhenIssuerDiffersThenRejected() {
        assertEquals(
                Reason.WRONG_ISSUER,
                rejection(token().claim("iss", ISSUER + "/").sign(), this));
    }

    @Test
    void checkWhenAudienceDiffersThenRejected() {
        assertEquals(
                Reason.WRONG_AUDIENCE, rejection(token().audience("other-api").sign(), this));
    }

    @Test
    void checkWhenTypIsPlainJwtThenRejected() {
        assertEquals(Reason.WRONG_TYPE, rejection(token().header("typ", "JWT").sign(), this));
    }

    @Test
    void checkWhenTypMissingThenRejected() {
        assertEquals(Reason.WRONG_TYPE, rejection(token().withoutHeader("typ").sign(), this));
    }

    @Test
    void checkWhenAlgNoneThenRejected() {
        // With the empty signature RFC 7519 §6.1 prescribes, the token does not even parse as a signed JWS...
        assertEquals(Reason.MALFORMED, rejection(token().unsigned(), this));
        // ...and with any signature bytes at all, alg none is refused by name.
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, rejection(token().unsigned() + "AAAA", this));
    }

    @Test
    void checkWhenHs256SignedWithPublicKeyAsSecretThenRejected() {
        byte[] secret = KEY.publicKey().getEncoded();
        assertEquals(Reason.UNSUPPORTED_ALGORITHM, rejection(token().signHs256(secret), this));
    }

    @Test
    void checkWhenCritHeaderPresentThenRejected() {
        assertEquals(
                Reason.FORBIDDEN_HEADER,
                rejection(
                        token().header("crit", new io.vertx.core.json.JsonArray().add("exp"))
                                .sign(),
                        this));
    }

    @Test
    void checkWhenTokenCarriesOwnKeyThenRejected() {
        for (String header : new String[] {"jwk", "jku", "x5u", "x5c"}) {
            Object value = header.equals("jwk") ? OTHER_KEY.jwk() : "https://attacker.example/keys";
            String forged =
                    TestTokens.valid(OTHER_KEY, ISSUER).header(header, value).sign();
            assertEquals(Reason.FORBIDDEN_HEADER, rejection(forged, this), header);
        }
    }

    @Test
    void checkWhenSignedByAnotherKeyThenRejected() {
        String forged =
                TestTokens.valid(OTHER_KEY, ISSUER).header("kid", KEY.kid()).sign();
        assertEquals(Reason.BAD_SIGNATURE, rejection(forged, this));
    }

    @Test
    void checkWhenPayloadTamperedThenRejected() {
        String[] parts = token().scope("notes:read").sign().split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        claims.put("scope", "notes:read notes:write admin");
        String tampered = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        assertEquals(Reason.BAD_SIGNATURE, rejection(tampered, this));
    }

    @Test
    void checkWhenRequiredClaimMissingThenRejected() {
        for (String claim : new String[] {"sub", "client_id", "jti", "exp", "iat", "aud"}) {
            assertEquals(
                    Reason.MISSING_CLAIM, rejection(token().withoutClaim(claim).sign(), this), claim);
        }
    }

    @Test
    void checkWhenKidMissingThenRejected() {
        assertEquals(Reason.MALFORMED, rejection(token().withoutHeader("kid").sign(), this));
    }

    @Test
    void parseWhenNotCompactJwsThenRejected() {
        for (String garbage : new String[] {
            "", "abc", "a.b", "a.b.c.d", "a..c", "e30.e30.", "e30=.e30.AA", "a b.c.d", "W10.e30.AA", "x".repeat(9000)
        }) {
            assertEquals(
                    Reason.MALFORMED,
                    assertThrows(TokenRejected.class, () -> CompactJws.parse(garbage))
                            .reason(),
                    garbage.length() > 20 ? "long token" : garbage);
        }
    }

    @Test
    void verifyWhenKeyShorterThan2048BitsThenRejected() {
        TestKeys weak = TestKeys.rsa(1024);
        CompactJws jws = CompactJws.parse(TestTokens.valid(weak, ISSUER).sign());
        assertEquals(
                Reason.BAD_SIGNATURE,
                assertThrows(
                                TokenRejected.class,
                                () -> TokenSignature.verify(jws, JwsAlgorithm.RS256, weak.verificationKey()))
                        .reason());
    }
}
