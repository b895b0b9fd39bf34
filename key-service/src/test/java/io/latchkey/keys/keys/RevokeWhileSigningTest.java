package io.latchkey.keys.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Revokes the active key while clients sign without pause on two replicas (production refresh interval): no
 * request fails, and no token requested more than one second after the revocation carries the revoked kid.
 */
class RevokeWhileSigningTest {
    private static final int CLIENTS = 4;
    private static final long BEFORE_MS = 1_000;
    private static final long AFTER_MS = 2_500;

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static List<KeyServiceClient> replicas;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        TestKeyService builder = TestKeyService.on(db.url()).set("LATCHKEY_KEY_REFRESH_INTERVAL", "500ms");
        KeyServiceConfig configA = builder.build();
        // One replica signs on workers (the default), the other on its event loops: both modes under load.
        KeyServiceConfig configB = builder.build().withSigningThreads(KeyServiceConfig.SigningThreads.EVENT_LOOP);
        WebClient client = WebClient.create(vertx);
        replicas = List.of(
                new KeyServiceClient(client, TestKeyService.deploy(vertx, configA), configA),
                new KeyServiceClient(client, TestKeyService.deploy(vertx, configB), configB));
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    record Outcome(int replica, long sentAtMs, int status, String kid) {}

    @Test
    void revokeWhenActiveKeyRevokedDuringSteadySigningThenNoRequestFailsAndNoReplicaSignsWithItAfterOneSecond() {
        String revoked = replicas.get(0).sign().getString("kid");
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        AtomicLong stopAt = new AtomicLong(Long.MAX_VALUE);
        List<Future<Void>> loops = IntStream.range(0, CLIENTS)
                .mapToObj(i -> loop(i, outcomes, stopAt))
                .toList();

        long revokeAt = System.currentTimeMillis() + BEFORE_MS;
        while (System.currentTimeMillis() < revokeAt) {
            java.util.concurrent.locks.LockSupport.parkNanos(10_000_000L);
        }
        int status =
                replicas.get(0).post("/internal/keys/" + revoked + "/revoke").statusCode();
        long revokedAt = System.currentTimeMillis();
        stopAt.set(revokedAt + AFTER_MS);
        Await.result(Future.all(loops));

        assertEquals(200, status);
        List<Outcome> all = List.copyOf(outcomes);
        assertTrue(all.size() > 100, "steady signing: " + all.size() + " requests");
        assertEquals(List.of(), all.stream().filter(o -> o.status() != 200).toList(), "no request fails");
        List<Outcome> late = all.stream()
                .filter(o -> o.sentAtMs() > revokedAt + 1_000 && o.kid().equals(revoked))
                .toList();
        assertEquals(List.of(), late, "signed with the revoked key more than 1 s after its revocation");
        for (int replica = 0; replica < 2; replica++) {
            int r = replica;
            assertTrue(
                    all.stream().anyMatch(o -> o.replica() == r && o.sentAtMs() > revokedAt + 1_000),
                    "replica " + r + " kept signing after the revocation");
            assertTrue(
                    all.stream()
                            .anyMatch(o -> o.replica() == r
                                    && o.sentAtMs() < revokedAt
                                    && o.kid().equals(revoked)),
                    "replica " + r + " signed with the key before the revocation");
        }
    }

    /** One client: sign requests one after another, alternating replicas, until told to stop. */
    private Future<Void> loop(int client, ConcurrentLinkedQueue<Outcome> outcomes, AtomicLong stopAt) {
        Promise<Void> done = Promise.promise();
        next(client, 0, outcomes, stopAt, done);
        return done.future();
    }

    private void next(
            int client, int n, ConcurrentLinkedQueue<Outcome> outcomes, AtomicLong stopAt, Promise<Void> done) {
        long sentAt = System.currentTimeMillis();
        if (sentAt > stopAt.get()) {
            done.complete();
            return;
        }
        int replica = (client + n) % 2;
        KeyServiceClient target = replicas.get(replica);
        target.signAsync(target.validRequest()).onComplete(ar -> {
            if (ar.failed()) {
                outcomes.add(
                        new Outcome(replica, sentAt, -1, ar.cause().getClass().getSimpleName()));
            } else {
                String kid = ar.result().statusCode() == 200
                        ? ar.result().bodyAsJsonObject().getString("kid")
                        : ar.result().bodyAsString();
                outcomes.add(new Outcome(replica, sentAt, ar.result().statusCode(), kid));
            }
            next(client, n + 1, outcomes, stopAt, done);
        });
    }
}
