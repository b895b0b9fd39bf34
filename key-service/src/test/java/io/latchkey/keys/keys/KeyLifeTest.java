package io.latchkey.keys.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A whole key life on two replicas sharing one database, with a key life of seconds: the next key is generated
 * once, is in both JWKS at least publish-ahead before either signs with it, and the old key stays published until
 * its last token has expired.
 */
class KeyLifeTest {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration ROTATION = Duration.ofSeconds(8);
    private static final Duration PUBLISH_AHEAD = Duration.ofSeconds(3);

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static KeyServiceClient a;
    private static KeyServiceClient b;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        TestKeyService builder = TestKeyService.on(db.url())
                .keyLife(TTL, ROTATION, PUBLISH_AHEAD, Duration.ofSeconds(1))
                .retireMargin(Duration.ofSeconds(1));
        KeyServiceConfig configA = builder.build();
        KeyServiceConfig configB = builder.build();
        WebClient client = WebClient.create(vertx);
        a = new KeyServiceClient(client, TestKeyService.deploy(vertx, configA), configA);
        b = new KeyServiceClient(client, TestKeyService.deploy(vertx, configB), configB);
        pool = db.pool(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void keyWhenRotatedOnScheduleThenPublishedAheadOnBothReplicasSignsOnceAndRetiresAfterItsTokensExpire() {
        String first = a.sign().getString("kid");
        assertEquals(first, b.sign().getString("kid"));

        // Watch both replicas: first when each lists the next key (only JWKS reads, so each is seen within
        // milliseconds), then when each first signs with it.
        List<KeyServiceClient> replicas = List.of(a, b);
        long[] firstListed = {0, 0};
        long[] firstSigned = {0, 0};
        String[] next = {null};
        long lastFirstKeyExpiry = 0;
        long deadline = System.currentTimeMillis() + ROTATION.toMillis() + 15_000;
        while ((firstListed[0] == 0 || firstListed[1] == 0) && System.currentTimeMillis() < deadline) {
            for (int i = 0; i < 2; i++) {
                List<String> kids = replicas.get(i).jwksKids("RS256");
                long listedAt = System.currentTimeMillis();
                if (firstListed[i] == 0 && kids.size() > 1) {
                    next[0] = kids.stream()
                            .filter(k -> !k.equals(first))
                            .findFirst()
                            .orElseThrow();
                    firstListed[i] = listedAt;
                }
            }
        }
        while ((firstSigned[0] == 0 || firstSigned[1] == 0) && System.currentTimeMillis() < deadline) {
            for (int i = 0; i < 2; i++) {
                long sentAt = System.currentTimeMillis();
                JsonObject signed = replicas.get(i).sign();
                if (!signed.getString("kid").equals(first)) {
                    assertEquals(next[0], signed.getString("kid"), "the next key signs");
                    if (firstSigned[i] == 0) {
                        firstSigned[i] = sentAt;
                    }
                } else {
                    long exp = TestTokens.claimsOf(signed.getString("token")).getLong("exp");
                    lastFirstKeyExpiry = Math.max(lastFirstKeyExpiry, exp * 1000);
                }
            }
        }
        assertTrue(firstSigned[0] > 0 && firstSigned[1] > 0, "both replicas sign with the next key");
        long earliestSignature = Math.min(firstSigned[0], firstSigned[1]);
        for (int i = 0; i < 2; i++) {
            assertTrue(
                    earliestSignature - firstListed[i] >= PUBLISH_AHEAD.toMillis(),
                    "replica " + i + " listed the next key " + (earliestSignature - firstListed[i])
                            + " ms before its first signature");
        }
        assertEquals(1, keysPublishedNear(next[0]), "one key per rotation");

        // The first key stays in both JWKS until every token it signed has expired, then leaves.
        long stillListed = 0;
        while (a.jwksKidSet().contains(first) || b.jwksKidSet().contains(first)) {
            stillListed = System.currentTimeMillis();
            assertTrue(stillListed < lastFirstKeyExpiry + 10_000, "the retired key leaves the JWKS");
        }
        assertTrue(
                stillListed >= lastFirstKeyExpiry,
                "listed until " + stillListed + ", its last token expires at " + lastFirstKeyExpiry);
        // The replicas agree once each has refreshed: the ES256 ring rotates on the same schedule, and one replica
        // may list its next key a refresh before the other.
        long agreeBy = System.currentTimeMillis() + 10_000;
        while (!a.jwksKids().equals(b.jwksKids()) && System.currentTimeMillis() < agreeBy) {
            Thread.onSpinWait();
        }
        assertEquals(a.jwksKids(), b.jwksKids());
        JsonObject retired = a.keys().getJsonArray("keys").stream()
                .map(JsonObject.class::cast)
                .filter(k -> k.getString("kid").equals(first))
                .findFirst()
                .orElseThrow();
        assertEquals("removed", retired.getString("state"));
    }

    /**
     * How many keys of {@code kid}'s ring were published within two seconds of it: two replicas must not both add
     * one (the other ring rotates on the same schedule, with its own key).
     */
    private long keysPublishedNear(String kid) {
        List<Row> rows = new ArrayList<>();
        Await.result(pool.preparedQuery("""
                        SELECT count(*) AS n FROM signing_keys k, signing_keys ref
                         WHERE ref.kid = $1
                           AND k.algorithm = ref.algorithm
                           AND k.publish_at BETWEEN ref.publish_at - interval '2 seconds'
                                                AND ref.publish_at + interval '2 seconds'""").execute(io.vertx.sqlclient.Tuple.of(kid)))
                .forEach(rows::add);
        return rows.get(0).getLong("n");
    }

    @Test
    void startWhenSecondReplicaJoinsThenBothPublishTheSameJwks() {
        Await.until("both replicas publish the same JWKS", Duration.ofSeconds(2), () -> a.jwksKids()
                .equals(b.jwksKids()));
    }
}
