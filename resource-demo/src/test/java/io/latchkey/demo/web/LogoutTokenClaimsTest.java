package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The claim checks of a logout token whose signature and typ the verifier checked (Back-Channel Logout 1.0 §2.6). */
class LogoutTokenClaimsTest {
    private static final String ISSUER = "http://localhost:8080";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);

    /** A logout token's claims as auth-server sends them, at {@code now}. */
    static JsonObject claims(Instant now) {
        return new JsonObject()
                .put("iss", ISSUER)
                .put("aud", "demo-web")
                .put("iat", now.getEpochSecond())
                .put("exp", now.getEpochSecond() + 120)
                .put("jti", "logout-jti")
                .put("sid", "sid-1")
                .put("sub", "sub-1")
                .put("events", new JsonObject().put(LogoutTokenClaims.EVENT, new JsonObject()));
    }

    private static JsonObject claims() {
        return claims(NOW);
    }

    private static LogoutTokenClaims check(JsonObject claims) {
        return LogoutTokenClaims.check(claims, ISSUER, "demo-web", NOW);
    }

    private static String rejection(JsonObject claims) {
        return assertThrows(LogoutTokenClaims.Rejected.class, () -> check(claims))
                .getMessage();
    }

    private static JsonObject without(String name) {
        JsonObject claims = claims();
        claims.remove(name);
        return claims;
    }

    @Test
    void checkWhenAsAuthServerSendsItThenSidSubJtiAndExp() {
        LogoutTokenClaims claims = check(claims());

        assertEquals("logout-jti", claims.jwtId());
        assertEquals(Optional.of("sid-1"), claims.sessionId());
        assertEquals(Optional.of("sub-1"), claims.subject());
        assertEquals(NOW.getEpochSecond() + 120, claims.expiresAt());
    }

    @Test
    void checkWhenOnlySidOrOnlySubThenAcceptedAndWhenNeitherThenRejected() {
        assertEquals(Optional.empty(), check(without("sub")).subject());
        assertEquals(Optional.empty(), check(without("sid")).sessionId());
        JsonObject neither = without("sid");
        neither.remove("sub");
        assertTrue(rejection(neither).contains("neither sid nor sub"));
    }

    @Test
    void checkWhenItCarriesANonceThenRejected() {
        assertTrue(rejection(claims().put("nonce", "n")).contains("nonce"));
        assertTrue(rejection(claims().putNull("nonce")).contains("nonce"));
    }

    @Test
    void checkWhenTheEventIsMissingOrNotAnObjectThenRejected() {
        assertTrue(rejection(without("events")).contains("events"));
        assertTrue(rejection(claims().put("events", new JsonObject())).contains("events"));
        assertTrue(rejection(claims().put("events", new JsonObject().put(LogoutTokenClaims.EVENT, "yes")))
                .contains("events"));
        assertTrue(rejection(claims().put("events", new JsonArray().add(LogoutTokenClaims.EVENT)))
                .contains("events"));
    }

    @Test
    void checkWhenIssuerOrAudienceIsWrongThenRejected() {
        assertTrue(rejection(claims().put("iss", "http://evil.example")).contains("iss"));
        assertTrue(rejection(claims().put("aud", "another-client")).contains("aud"));
        assertTrue(rejection(claims().put("aud", new JsonArray().add("demo-web").add("x")))
                .contains("aud"));
    }

    @Test
    void checkWhenExpiredOrIssuedInTheFutureBeyondTheLeewayThenRejected() {
        assertTrue(rejection(claims().put("exp", NOW.getEpochSecond() - 60)).contains("expired"));
        assertTrue(rejection(claims().put("iat", NOW.getEpochSecond() + 61)).contains("iat"));
        assertTrue(rejection(without("exp")).contains("exp"));
        assertTrue(rejection(without("iat")).contains("iat"));
    }

    @Test
    void checkWhenJtiIsMissingThenRejected() {
        assertTrue(rejection(without("jti")).contains("jti"));
        assertTrue(rejection(claims().put("jti", "")).contains("jti"));
    }
}
