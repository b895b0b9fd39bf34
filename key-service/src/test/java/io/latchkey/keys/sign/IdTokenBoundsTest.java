package io.latchkey.keys.sign;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.latchkey.keys.api.ApiError;
import io.latchkey.keys.test.SignRefusals;
import io.latchkey.keys.test.SignRefusals.Refusal;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code JWT} (ID token) bounds of {@link ClaimBounds}, each edge on both sides. */
class IdTokenBoundsTest {
    private final ClaimBounds bounds = new ClaimBounds(TestKeyService.ISSUER, Duration.ofSeconds(300));

    @Test
    void checkWhenEveryIdTokenClaimInBoundsThenReturnsTheClaimsUnchanged() {
        JsonObject request = TestTokens.idToken().request();
        assertEquals(request.getJsonObject("claims"), bounds.check(request, Instant.now()));
    }

    @Test
    void checkWhenOnlyTheRequiredClaimsThenAccepted() {
        TestTokens minimal = TestTokens.idToken();
        for (String optional : List.of(
                "azp",
                "auth_time",
                "nonce",
                "sid",
                "at_hash",
                "jti",
                "name",
                "preferred_username",
                "email",
                "email_verified")) {
            minimal.without(optional);
        }
        assertEquals(
                Set.of("iss", "sub", "aud", "iat", "exp"),
                bounds.check(minimal.request(), Instant.now()).fieldNames());
    }

    @Test
    void checkWhenEachLimitMetExactlyThenAccepted() {
        TestTokens token = TestTokens.idToken();
        long iat = token.time("iat");
        token.claim("exp", iat + 300)
                .claim("auth_time", iat)
                .claim("nonce", "n".repeat(512))
                .claim("sub", "s".repeat(255))
                .claim("email_verified", false);
        bounds.check(token.request(), Instant.ofEpochSecond(iat));
        bounds.check(token.request(), Instant.ofEpochSecond(iat + 60));
        bounds.check(token.request(), Instant.ofEpochSecond(iat - 60));
    }

    @Test
    void checkWhenIatSixtyOneSecondsOffThenRejected() {
        JsonObject request = TestTokens.idToken().request();
        long iat = request.getJsonObject("claims").getLong("iat");
        assertRejected(request, Instant.ofEpochSecond(iat + 61), SignRefusals.IAT_SKEW);
        assertRejected(request, Instant.ofEpochSecond(iat - 61), SignRefusals.IAT_SKEW);
    }

    @Test
    void checkWhenNonceEmptyOrAzpEqualsAudThenAccepted() {
        bounds.check(TestTokens.idToken().claim("nonce", "").request(), Instant.now());
        bounds.check(
                TestTokens.idToken().claim("aud", "app-2").claim("azp", "app-2").request(), Instant.now());
    }

    @Test
    void checkWhenIatIsSoFarOffThatTheArithmeticWouldOverflowThenRejected() {
        long now = Instant.now().getEpochSecond();
        // iat - now is exactly Long.MIN_VALUE and exp - iat wraps negative: neither may slip through.
        JsonObject request = TestTokens.idToken()
                .without("auth_time")
                .claim("iat", Long.MIN_VALUE + now)
                .claim("exp", now + 30L * 365 * 24 * 3600)
                .request();
        assertRejected(request, Instant.ofEpochSecond(now), SignRefusals.IAT_SKEW);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.latchkey.keys.test.SignRefusals#idToken")
    void checkWhenAnIdTokenBoundBrokenThenRejectedNamingTheRule(Refusal refusal) {
        assertRejected(refusal.request(), Instant.now(), refusal.description());
    }

    private void assertRejected(JsonObject request, Instant now, String description) {
        ApiError error = assertThrows(ApiError.class, () -> bounds.check(request, now));
        assertEquals(400, error.status());
        assertEquals("invalid_request", error.error());
        assertEquals(description, error.description());
    }
}
