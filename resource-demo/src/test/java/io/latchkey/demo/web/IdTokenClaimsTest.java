package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.verifier.SignedJwt;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The claim checks of an ID token whose signature the verifier already checked (OpenID Connect Core §3.1.3.7). */
class IdTokenClaimsTest {
    static final String ISSUER = "http://localhost:8080";
    static final String ACCESS_TOKEN = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEifQ.c2ln";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);
    private static final IdTokenClaims.Expected EXPECTED =
            new IdTokenClaims.Expected(ISSUER, "demo-web", "the-nonce", ACCESS_TOKEN);

    /** An ID token's claims as auth-server issues them for this sign-in, at {@code now}. */
    static JsonObject claims(Instant now, String nonce, String accessToken) {
        return new JsonObject()
                .put("iss", ISSUER)
                .put("sub", "user-1")
                .put("aud", "demo-web")
                .put("azp", "demo-web")
                .put("exp", now.getEpochSecond() + 300)
                .put("iat", now.getEpochSecond())
                .put("auth_time", now.getEpochSecond())
                .put("nonce", nonce)
                .put("sid", "sid-1")
                .put("jti", "id-jti")
                .put("at_hash", IdTokenClaims.atHash(accessToken, "RS256"))
                .put("preferred_username", "alice")
                .put("name", "Alice Example");
    }

    private static JsonObject claims() {
        return claims(NOW, "the-nonce", ACCESS_TOKEN);
    }

    private static IdTokenClaims check(JsonObject claims) {
        return IdTokenClaims.check(new SignedJwt("kid-1", "RS256", claims), EXPECTED, NOW);
    }

    private static String rejection(JsonObject claims) {
        return assertThrows(IdTokenClaims.Rejected.class, () -> check(claims)).getMessage();
    }

    private static JsonObject without(String name) {
        JsonObject claims = claims();
        claims.remove(name);
        return claims;
    }

    @Test
    void checkWhenTheTokenBelongsToThisSignInThenItsClaims() {
        IdTokenClaims claims = check(claims());

        assertEquals("user-1", claims.subject());
        assertEquals(Optional.of("sid-1"), claims.sessionId());
        assertEquals("Alice Example", claims.displayName());
    }

    @Test
    void displayNameWhenNoNameThenPreferredUsernameElseSub() {
        assertEquals("alice", check(without("name")).displayName());
        JsonObject neither = without("name");
        neither.remove("preferred_username");
        assertEquals("user-1", check(neither).displayName());
    }

    @Test
    void atHashWhenComputedThenTheLeftHalfOfTheSha256AsOpenIdConnectCoreShowsIt() {
        // OpenID Connect Core, Appendix A.3: the example access token and its at_hash.
        assertEquals(
                "77QmUPtjPfzWtF2AnpK9RQ", IdTokenClaims.atHash("jHkWEdUXMU1BwAsC4vtUsZwnNvTIxEl0z9K3vx5KF0Y", "RS256"));
    }

    @Test
    void checkWhenTheNonceIsNotThisSignInsThenRejected() {
        assertTrue(rejection(claims().put("nonce", "another-nonce")).contains("nonce"));
        assertTrue(rejection(without("nonce")).contains("nonce"));
    }

    @Test
    void checkWhenAtHashDoesNotMatchTheAccessTokenThenRejected() {
        assertTrue(rejection(claims().put("at_hash", IdTokenClaims.atHash("another-token", "RS256")))
                .contains("at_hash"));
        assertTrue(rejection(without("at_hash")).contains("at_hash"));
    }

    @Test
    void checkWhenTheAudienceIsNotThisClientAloneThenRejected() {
        assertTrue(rejection(claims().put("aud", "another-client")).contains("aud"));
        assertTrue(rejection(claims().put("aud", new JsonArray().add("demo-web").add("resource-demo")))
                .contains("aud"));
        assertTrue(rejection(without("aud")).contains("aud"));
        assertEquals(
                "user-1",
                check(claims().put("aud", new JsonArray().add("demo-web"))).subject());
    }

    @Test
    void checkWhenAzpIsAnotherClientThenRejectedAndWhenAbsentThenAccepted() {
        assertTrue(rejection(claims().put("azp", "another-client")).contains("azp"));
        assertEquals("user-1", check(without("azp")).subject());
    }

    @Test
    void checkWhenIssuerDiffersThenRejected() {
        assertTrue(rejection(claims().put("iss", "http://evil.example")).contains("iss"));
        assertTrue(rejection(claims().put("iss", ISSUER + "/")).contains("iss"));
    }

    @Test
    void checkWhenTimesAreOutsideTheLeewayThenRejected() {
        assertEquals(
                "user-1", check(claims().put("exp", NOW.getEpochSecond() - 59)).subject());
        assertTrue(rejection(claims().put("exp", NOW.getEpochSecond() - 60)).contains("expired"));
        assertEquals(
                "user-1", check(claims().put("iat", NOW.getEpochSecond() + 60)).subject());
        assertTrue(rejection(claims().put("iat", NOW.getEpochSecond() + 61)).contains("iat"));
        assertTrue(rejection(claims().put("exp", "tomorrow")).contains("exp"));
        assertTrue(rejection(without("iat")).contains("iat"));
        assertTrue(rejection(claims().put("exp", Long.MAX_VALUE)).contains("exp"));
    }

    @Test
    void checkWhenSubIsMissingThenRejected() {
        assertTrue(rejection(without("sub")).contains("sub"));
    }
}
