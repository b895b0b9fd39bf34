package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class IdTokenClaimsTest {
    private static final String ISSUER = "http://localhost:8080";
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);

    static JsonObject claims() {
        return new JsonObject()
                .put("iss", ISSUER)
                .put("sub", "user-1")
                .put("aud", "demo-web")
                .put("azp", "demo-web")
                .put("exp", NOW.getEpochSecond() + 300)
                .put("iat", NOW.getEpochSecond())
                .put("nonce", "the-nonce")
                .put("sid", "sid-1")
                .put("preferred_username", "alice")
                .put("name", "Alice Liddell");
    }

    static String jwt(JsonObject claims) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        return b64.encodeToString("{\"alg\":\"RS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(claims.encode().getBytes(StandardCharsets.UTF_8)) + ".c2ln";
    }

    private static IdTokenClaims check(JsonObject claims) {
        return IdTokenClaims.check(jwt(claims), ISSUER, "demo-web", "the-nonce", NOW);
    }

    @Test
    void checkWhenTheTokenBelongsToThisSignInThenItsClaims() {
        IdTokenClaims claims = check(claims());

        assertEquals("user-1", claims.subject());
        assertEquals(Optional.of("sid-1"), claims.sessionId());
        assertEquals("alice", claims.displayName());
    }

    @Test
    void displayNameWhenNoUsernameThenNameElseSub() {
        JsonObject withName = claims();
        withName.remove("preferred_username");
        assertEquals("Alice Liddell", check(withName).displayName());
        withName.remove("name");
        assertEquals("user-1", check(withName).displayName());
    }

    @Test
    void checkWhenAudienceIsAnArrayWithThisClientAndAzpThenAccepted() {
        assertEquals(
                "user-1",
                check(claims().put("aud", new JsonArray().add("demo-web").add("resource-demo")))
                        .subject());
    }

    @Test
    void checkWhenAnyBindingClaimIsWrongThenRejected() {
        assertThrows(IdTokenClaims.Rejected.class, () -> check(claims().put("iss", "http://evil.example")));
        assertThrows(IdTokenClaims.Rejected.class, () -> check(claims().put("aud", "another-client")));
        assertThrows(IdTokenClaims.Rejected.class, () -> check(claims().put("azp", "another-client")));
        assertThrows(IdTokenClaims.Rejected.class, () -> check(claims().put("nonce", "another-nonce")));
        assertThrows(IdTokenClaims.Rejected.class, () -> check(claims().put("exp", NOW.getEpochSecond() - 61)));
        JsonObject noNonce = claims();
        noNonce.remove("nonce");
        assertThrows(IdTokenClaims.Rejected.class, () -> check(noNonce));
        JsonObject multipleAudiencesNoAzp =
                claims().put("aud", new JsonArray().add("demo-web").add("x"));
        multipleAudiencesNoAzp.remove("azp");
        assertThrows(IdTokenClaims.Rejected.class, () -> check(multipleAudiencesNoAzp));
    }

    @Test
    void checkWhenNotAJwtThenRejected() {
        assertThrows(
                IdTokenClaims.Rejected.class,
                () -> IdTokenClaims.check("not-a-jwt", ISSUER, "demo-web", "the-nonce", NOW));
        assertThrows(
                IdTokenClaims.Rejected.class,
                () -> IdTokenClaims.check("a.%%%.c", ISSUER, "demo-web", "the-nonce", NOW));
    }
}
