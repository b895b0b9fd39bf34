package io.latchkey.keys.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.keys.api.ApiError;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClaimBoundsTest {
    private final ClaimBounds bounds = new ClaimBounds(TestKeyService.ISSUER, Duration.ofSeconds(300));
    private final long now = Instant.now().getEpochSecond();

    @Test
    void checkWhenAllBoundsHoldThenReturnsTheClaimsUnchanged() {
        JsonObject request = TestTokens.valid().request();
        assertEquals(request.getJsonObject("claims"), bounds.check(request, Instant.ofEpochSecond(now)));
    }

    @Test
    void checkWhenExpExactlyAtTheLifetimeThenAccepted() {
        JsonObject request =
                TestTokens.valid().claim("iat", now).claim("exp", now + 300).request();
        bounds.check(request, Instant.ofEpochSecond(now));
    }

    @Test
    void checkWhenExpOneSecondBeyondTheLifetimeThenRejected() {
        assertRejected(
                TestTokens.valid().claim("exp", now + 301).request(),
                "exp must be at most the access-token lifetime from now");
    }

    @Test
    void checkWhenExpNotAfterIatThenRejected() {
        assertRejected(TestTokens.valid().claim("exp", now).claim("iat", now).request(), "exp must be after iat");
    }

    @Test
    void checkWhenTimesAreNotWholeSecondsThenRejected() {
        assertRejected(
                TestTokens.valid().claim("exp", "soon").request(),
                "exp must be a whole number of seconds since the epoch");
        assertRejected(
                TestTokens.valid().claim("iat", now + 0.5).request(),
                "iat must be a whole number of seconds since the epoch");
        assertRejected(
                TestTokens.valid().without("iat").request(), "iat must be a whole number of seconds since the epoch");
    }

    @Test
    void checkWhenJtiIsEmptyOrNotAStringThenRejected() {
        assertRejected(TestTokens.valid().claim("jti", "").request(), "jti is required");
        assertRejected(TestTokens.valid().claim("jti", 42).request(), "jti is required");
    }

    @Test
    void checkWhenClaimsMissingOrNotAnObjectThenRejected() {
        assertRejected(new JsonObject().put("typ", "at+jwt"), "claims must be a JSON object");
        assertRejected(new JsonObject().put("typ", "at+jwt").put("claims", "x"), "claims must be a JSON object");
    }

    @Test
    void checkWhenIatSixtySecondsOffThenAcceptedAndSixtyOneThenRejected() {
        bounds.check(TestTokens.valid().claim("iat", now - 60).request(), Instant.ofEpochSecond(now));
        assertRejected(TestTokens.valid().claim("iat", now - 61).request(), "iat must be within 60 seconds of now");
    }

    @Test
    void checkWhenIatIsSoFarOffThatItsDistanceToNowOverflowsThenRejected() {
        assertRejected(
                TestTokens.valid().claim("iat", Long.MIN_VALUE + now).request(),
                "iat must be within 60 seconds of now");
    }

    @Test
    void checkWhenTypUnknownThenRejectedWithoutRepeatingIt() {
        for (Object typ : new Object[] {"jwt", "id+jwt", "application/at+jwt", "LOGOUT+JWT", "", 42, null}) {
            assertRejected(TestTokens.valid().request().put("typ", typ), "typ must be at+jwt, JWT or logout+jwt");
        }
    }

    @Test
    void checkWhenCnfHoldsOnlyAJktThumbprintThenAccepted() {
        JsonObject cnf = new JsonObject().put("jkt", "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I");
        JsonObject request = TestTokens.valid().claim("cnf", cnf).request();
        assertEquals(request.getJsonObject("claims"), bounds.check(request, Instant.ofEpochSecond(now)));
    }

    @Test
    void checkWhenCnfIsAnythingButASingleJktThumbprintThenRejected() {
        String jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
        for (Object cnf : new Object[] {
            "x",
            new JsonObject(),
            new JsonObject().put("jkt", jkt).put("x5t#S256", jkt),
            new JsonObject().put("jwk", new JsonObject().put("kty", "EC")),
            new JsonObject().put("jkt", 42),
            new JsonObject().put("jkt", "short"),
            new JsonObject().put("jkt", jkt + "=")
        }) {
            assertRejected(
                    TestTokens.valid().claim("cnf", cnf).request(),
                    "cnf must be an object whose only member is jkt, a SHA-256 JWK thumbprint");
        }
    }

    private void assertRejected(JsonObject request, String description) {
        ApiError error = assertThrows(ApiError.class, () -> bounds.check(request, Instant.ofEpochSecond(now)));
        assertEquals(400, error.status());
        assertEquals("invalid_request", error.error());
        assertEquals(description, error.description());
    }
}
