package io.latchkey.verifier.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.verifier.AccessToken;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RevocationListTest {
    private static final long NOW = 1_000_000;

    private static AccessToken token(long iat) {
        return new AccessToken(
                "kid-1",
                "iss",
                "alice",
                List.of("resource-demo"),
                "demo-app",
                "jti-1",
                Optional.of("sid-1"),
                "",
                Set.of(),
                iat,
                iat + 300,
                new JsonObject());
    }

    private static RevocationEntry entry(String json) {
        return RevocationEntry.from(new JsonObject(json));
    }

    @Test
    void isRevokedWhenJtiListedThenTrue() {
        RevocationList list = new RevocationList();
        list.add(entry("{\"seq\":1,\"type\":\"jti\",\"value\":\"jti-1\",\"expires_at\":" + (NOW + 60) + "}"), NOW);
        assertTrue(list.isRevoked(token(NOW), NOW));
    }

    @Test
    void isRevokedWhenSidListedThenTrue() {
        RevocationList list = new RevocationList();
        list.add(entry("{\"seq\":1,\"type\":\"sid\",\"value\":\"sid-1\",\"expires_at\":" + (NOW + 60) + "}"), NOW);
        assertTrue(list.isRevoked(token(NOW), NOW));
    }

    @Test
    void isRevokedWhenSubListedThenOnlyTokensIssuedBeforeNotBefore() {
        RevocationList list = new RevocationList();
        list.add(
                entry("{\"seq\":1,\"type\":\"sub\",\"value\":\"alice\",\"not_before\":" + NOW + ",\"expires_at\":"
                        + (NOW + 360) + "}"),
                NOW);
        assertTrue(list.isRevoked(token(NOW - 1), NOW));
        assertFalse(list.isRevoked(token(NOW), NOW));
    }

    @Test
    void isRevokedWhenKidListedThenTrueEvenAfterItsEntryExpires() {
        RevocationList list = new RevocationList();
        list.add(entry("{\"seq\":1,\"type\":\"kid\",\"value\":\"kid-1\",\"expires_at\":" + (NOW + 60) + "}"), NOW);
        list.prune(NOW + 10_000);
        assertTrue(list.isRevoked(token(NOW + 10_000), NOW + 10_000));
        assertTrue(list.isKeyRevoked("kid-1"));
    }

    @Test
    void isRevokedWhenEntryExpiredThenFalseAndPruned() {
        RevocationList list = new RevocationList();
        list.add(entry("{\"seq\":1,\"type\":\"jti\",\"value\":\"jti-1\",\"expires_at\":" + (NOW + 60) + "}"), NOW);
        assertFalse(list.isRevoked(token(NOW), NOW + 60));
        list.prune(NOW + 60);
        assertEquals(0, list.size());
    }

    @Test
    void addWhenEntryAlreadyExpiredThenIgnored() {
        RevocationList list = new RevocationList();
        list.add(entry("{\"seq\":1,\"type\":\"jti\",\"value\":\"jti-1\",\"expires_at\":" + NOW + "}"), NOW);
        assertEquals(0, list.size());
    }

    @Test
    void fromWhenEntryMalformedThenRejected() {
        for (String json : new String[] {
            "{}",
            "{\"seq\":1,\"type\":\"user\",\"value\":\"a\",\"expires_at\":1}",
            "{\"seq\":1,\"type\":\"sub\",\"value\":\"a\",\"expires_at\":1}",
            "{\"seq\":\"x\",\"type\":\"jti\",\"value\":\"a\",\"expires_at\":1}"
        }) {
            assertThrows(IllegalArgumentException.class, () -> entry(json), json);
        }
    }
}
