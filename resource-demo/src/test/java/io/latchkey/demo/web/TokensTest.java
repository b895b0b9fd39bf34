package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TokensTest {
    private static final Instant NOW = Instant.ofEpochSecond(1_700_000_000);

    private static JsonObject response() {
        return new JsonObject()
                .put("access_token", "at")
                .put("token_type", "Bearer")
                .put("expires_in", 300)
                .put("scope", "openid notes:read")
                .put("refresh_token", "rt-2");
    }

    @Test
    void fromResponseWhenContractResponseThenTokensAndExpiry() {
        Tokens tokens = Tokens.fromResponse(response(), NOW, Optional.of("rt-1"));

        assertEquals("at", tokens.accessToken());
        assertEquals(NOW.plusSeconds(300), tokens.expiresAt());
        assertEquals(Optional.of("rt-2"), tokens.refreshToken(), "the rotated refresh token replaces the old one");
        assertEquals("openid notes:read", tokens.scope());
        assertEquals(Optional.empty(), tokens.idToken(), "an ID token is not required");
    }

    @Test
    void fromResponseWhenNoRefreshTokenThenThePreviousOneIsKept() {
        JsonObject response = response();
        response.remove("refresh_token");

        assertEquals(
                Optional.of("rt-1"),
                Tokens.fromResponse(response, NOW, Optional.of("rt-1")).refreshToken());
    }

    @Test
    void fromResponseWhenNotBearerOrIncompleteThenRefused() {
        assertThrows(
                Tokens.InvalidTokenResponse.class,
                () -> Tokens.fromResponse(response().put("token_type", "DPoP"), NOW, Optional.empty()));
        assertThrows(
                Tokens.InvalidTokenResponse.class,
                () -> Tokens.fromResponse(response().put("expires_in", "300"), NOW, Optional.empty()));
        JsonObject noAccessToken = response();
        noAccessToken.remove("access_token");
        assertThrows(
                Tokens.InvalidTokenResponse.class, () -> Tokens.fromResponse(noAccessToken, NOW, Optional.empty()));
    }

    @Test
    void needsRefreshWhenWithinThirtySecondsOfExpiryThenTrue() {
        Tokens tokens = Tokens.fromResponse(response(), NOW, Optional.empty());

        assertFalse(tokens.needsRefresh(NOW.plusSeconds(269)));
        assertTrue(tokens.needsRefresh(NOW.plusSeconds(270)));
        assertTrue(tokens.needsRefresh(NOW.plusSeconds(400)));
    }

    @Test
    void toStringWhenLoggedThenNoTokenIsShown() {
        String text = Tokens.fromResponse(response(), NOW, Optional.empty()).toString();

        assertFalse(text.contains("at,") || text.contains("rt-2"), text);
    }

    @Test
    void withIdTokenWhenARefreshKeepsTheSignInsThenEverythingElseIsTheRefreshedTokens() {
        Tokens refreshed = Tokens.fromResponse(response().put("id_token", "unverified"), NOW, Optional.of("rt-1"));

        Tokens kept = refreshed.withIdToken(Optional.of("verified-at-sign-in"));

        assertEquals(Optional.of("verified-at-sign-in"), kept.idToken());
        assertEquals(refreshed.accessToken(), kept.accessToken());
        assertEquals(refreshed.refreshToken(), kept.refreshToken());
        assertEquals(refreshed.expiresAt(), kept.expiresAt());
    }
}
