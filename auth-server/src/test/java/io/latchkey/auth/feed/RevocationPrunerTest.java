package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class RevocationPrunerTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Pool pool;
    private static RevocationPruner pruner;
    private static RevocationFeedRepository repository;

    @BeforeAll
    static void start(Vertx vertx) {
        pool = db.pool(vertx);
        repository = new PgRevocationRepository(pool);
        pruner = new RevocationPruner(vertx, repository, Clock.systemUTC(), FeedSettings.defaults());
    }

    @Test
    void pruneWhenEntriesExpiredLongerThanFiveMinutesThenOnlyThoseGo() {
        long now = TestRevocations.now();
        long old = Await.result(TestRevocations.append(pool, "jti", "prune-old", null, now - 301));
        long recent = Await.result(TestRevocations.append(pool, "jti", "prune-recent", null, now - 240));
        long live = Await.result(TestRevocations.append(pool, "sub", "prune-live", now, now + 300));

        Await.result(pruner.pruneNow());

        List<Long> left = Await.result(seqs());
        assertTrue(!left.contains(old) && left.contains(recent) && left.contains(live), left.toString());
    }

    @Test
    void pruneWhenTheNewestEntryExpiredThenItStaysAsTheHighWaterMark() {
        long now = TestRevocations.now();
        Await.result(TestRevocations.append(pool, "jti", "mark-1", null, now - 4000));
        long newest = Await.result(TestRevocations.append(pool, "jti", "mark-2", null, now - 4000));

        Await.result(pruner.pruneNow());
        Await.result(pruner.pruneNow());

        List<Long> left = Await.result(seqs());
        assertEquals(newest, left.get(left.size() - 1));
        assertEquals(newest, Await.result(repository.list(0, now)).lastSeq());
        assertEquals(newest, Await.result(repository.highestSeq()));
    }

    @Test
    void pruneWhenEntriesKeepArrivingThenTheListStaysBounded() {
        long now = TestRevocations.now();
        int live = 0;
        List<Integer> sizes = new ArrayList<>();
        for (int round = 0; round < 20; round++) {
            List<Future<Long>> appends = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                // Mostly entries whose tokens are long gone, as a busy server accumulates; a few stay live.
                boolean stays = i == 0;
                appends.add(TestRevocations.append(
                        pool, "jti", "flow-" + round + "-" + i, null, stays ? now + 3600 : now - 400 - i));
                live += stays ? 1 : 0;
            }
            Await.result(Future.all(appends));
            Await.result(pruner.pruneNow());
            sizes.add(Await.result(count()));
        }

        // After each run: the live entries so far, plus at most the newest one kept as the high-water mark.
        int bound = live + 1;
        assertTrue(sizes.stream().allMatch(size -> size <= bound), sizes.toString());
    }

    private static Future<Integer> count() {
        return pool.query("SELECT count(*) AS n FROM revocations WHERE value LIKE 'flow-%'")
                .execute()
                .map(rows -> rows.iterator().next().getLong("n").intValue());
    }

    private static Future<List<Long>> seqs() {
        return pool.query("SELECT seq FROM revocations ORDER BY seq").execute().map(rows -> {
            List<Long> seqs = new ArrayList<>();
            rows.forEach(row -> seqs.add(row.getLong("seq")));
            return seqs;
        });
    }
}
