package io.latchkey.auth.dpop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.Sql;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The DPoP jti store on real PostgreSQL, shared by two repositories as by two replicas. */
class PgProofJtiRepositoryTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static Pool otherPool;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        otherPool = db.pool(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(pool.close());
        Await.result(otherPool.close());
        Await.result(vertx.close());
    }

    @Test
    void recordWhenFirstUseThenTrueAndAnyLaterUseOnAnyReplicaFalse() {
        var one = new PgProofJtiRepository(pool);
        var two = new PgProofJtiRepository(otherPool);
        String jti = UUID.randomUUID().toString();
        Instant iat = Instant.now();
        assertTrue(Await.result(one.record("key-a", jti, iat)));
        assertFalse(Await.result(one.record("key-a", jti, iat)));
        assertFalse(Await.result(two.record("key-a", jti, iat.plusSeconds(1))));
        assertTrue(Await.result(two.record("key-b", jti, iat)), "the same jti under another key is another proof");
    }

    @Test
    void recordWhenManyReplicasRaceOnOneProofThenExactlyOneWins() {
        var one = new PgProofJtiRepository(pool);
        var two = new PgProofJtiRepository(otherPool);
        String jti = UUID.randomUUID().toString();
        Instant iat = Instant.now();
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            attempts.add((i % 2 == 0 ? one : two).record("race", jti, iat));
        }
        Await.result(Future.all(attempts));
        assertEquals(1, attempts.stream().filter(Future::result).count());
    }

    @Test
    void recordWhenUsesQueueOnOneEventLoopThenOneBatchStillAnswersEachOnceAndTheSameProofTwiceOnlyFirst() {
        var jtis = new PgProofJtiRepository(pool);
        String repeated = UUID.randomUUID().toString();
        Instant iat = Instant.now();
        Future<List<Boolean>> answers = Future.future(promise -> vertx.runOnContext(v -> {
            List<Future<Boolean>> queued = new ArrayList<>();
            for (int i = 0; i < 30; i++) {
                // Every third use repeats one proof; the others are distinct.
                queued.add(jtis.record("batch", i % 3 == 0 ? repeated : repeated + "-" + i, iat));
            }
            Future.all(queued)
                    .map(all -> queued.stream().map(Future::result).toList())
                    .onComplete(promise);
        }));
        List<Boolean> results = Await.result(answers);
        assertTrue(results.get(0), "the repeated proof's first use");
        for (int i = 1; i < 30; i++) {
            assertEquals(i % 3 != 0, results.get(i), "use " + i);
        }
        assertEquals(21, Sql.count(pool, "SELECT count(*) FROM dpop_proof_jtis WHERE jkt = 'batch'"));
    }

    @Test
    void firstUseWhenOnAWorkerThenWaitsForTheDatabaseAndOnAnEventLoopRefuses() {
        var jtis = new PgProofJtiRepository(pool);
        String jti = UUID.randomUUID().toString();
        Instant iat = Instant.now();
        assertTrue(Await.result(vertx.executeBlocking(() -> jtis.firstUse("worker", jti, iat))));
        assertFalse(Await.result(vertx.executeBlocking(() -> jtis.firstUse("worker", jti, iat))));
        Future<String> onLoop = Future.future(promise -> vertx.runOnContext(v -> {
            try {
                promise.complete("answered " + jtis.firstUse("loop", jti, iat));
            } catch (IllegalStateException e) {
                promise.complete(e.getMessage());
            }
        }));
        assertEquals("firstUse blocks: call record() on an event loop", Await.result(onLoop));
    }

    @Test
    void pruneWhenRowsPastTheirWindowThenOnlyThoseDeleted() {
        var jtis = new PgProofJtiRepository(pool);
        String old = "old-" + UUID.randomUUID();
        String fresh = "fresh-" + UUID.randomUUID();
        Await.result(jtis.record("prune", old, Instant.now().minusSeconds(3600)));
        Await.result(jtis.record("prune", fresh, Instant.now()));
        Await.result(jtis.prune(pool));
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM dpop_proof_jtis WHERE jti = $1", old));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM dpop_proof_jtis WHERE jti = $1", fresh));
        assertEquals(
                "p",
                Sql.string(pool, "SELECT relpersistence::text FROM pg_class WHERE relname = 'dpop_proof_jtis'"),
                "a logged table: replay protection survives a crash");
    }
}
