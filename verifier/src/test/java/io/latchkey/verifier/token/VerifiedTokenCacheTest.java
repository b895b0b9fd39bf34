package io.latchkey.verifier.token;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.verifier.AccessToken;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class VerifiedTokenCacheTest {
    private static AccessToken expiringAt(long exp) {
        return new AccessToken(
                "kid",
                "iss",
                "sub",
                List.of("aud"),
                "client",
                "jti",
                Optional.empty(),
                "",
                Set.of(),
                exp - 300,
                exp,
                new JsonObject());
    }

    @Test
    void getWhenBeforeExpThenCachedTokenReturned() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        AccessToken token = expiringAt(1_000);
        cache.put("t", token, 900);
        assertSame(token, cache.get("t", 999));
    }

    @Test
    void getWhenAtOrPastExpThenNothingReturned() {
        VerifiedTokenCache cache = new VerifiedTokenCache(10);
        cache.put("t", expiringAt(1_000), 900);
        assertNull(cache.get("t", 1_000));
        assertNull(cache.get("t", 999));
    }

    @Test
    void putWhenFullThenSizeStaysBounded() {
        VerifiedTokenCache cache = new VerifiedTokenCache(100);
        for (int i = 0; i < 10_000; i++) {
            cache.put("t" + i, expiringAt(1_000), 900);
            assertTrue(cache.size() <= 100);
        }
        assertSame(cache.get("t9999", 900), cache.get("t9999", 900));
    }

    @Test
    void putWhenSizeZeroThenNothingCached() {
        VerifiedTokenCache cache = new VerifiedTokenCache(0);
        cache.put("t", expiringAt(1_000), 900);
        assertNull(cache.get("t", 900));
    }
}
