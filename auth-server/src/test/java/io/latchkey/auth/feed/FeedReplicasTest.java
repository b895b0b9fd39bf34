package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.test.SseClient;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Database;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Two replicas, each with its own pool, LISTEN connection and HTTP listener, on one database. */
@ExtendWith(VertxExtension.class)
class FeedReplicasTest {
    private static final int WRITERS = 8;
    private static final int APPENDS_PER_WRITER = 100;

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Pool pool;
    private static TestAuthServer replicaA;
    private static TestAuthServer replicaB;
    private static HttpClient http;
    private static TestClients reader;

    @BeforeAll
    static void start(Vertx vertx) {
        pool = db.pool(vertx);
        replicaA = TestAuthServer.start(vertx, TestAuthServer.feedEnv(db));
        replicaB = TestAuthServer.start(vertx, TestAuthServer.feedEnv(db));
        http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(20));
        reader = TestClients.revocationReader("replica-reader").insert(pool);
    }

    @AfterAll
    static void stop() {
        replicaA.close();
        replicaB.close();
    }

    @Test
    void streamWhenEntryWrittenAnywhereThenAClientOnEachReplicaReceivesIt() {
        SseClient onA = open(replicaA);
        SseClient onB = open(replicaB);

        long seq =
                Await.result(TestRevocations.append(pool, "sid", "replica-session", null, TestRevocations.now() + 360));

        assertEquals(seq, Await.result(onA.until(s -> s.ids().contains(seq))).lastId());
        assertEquals(seq, Await.result(onB.until(s -> s.ids().contains(seq))).lastId());
        onA.close();
        onB.close();
    }

    @Test
    void streamWhenManyWritersAppendConcurrentlyThenEverySubscriberGetsEveryCommittedEntryOnceInSeqOrder(Vertx vertx) {
        long start = Await.result(TestRevocations.highestSeq(pool));
        List<SseClient> clients =
                List.of(open(replicaA, start), open(replicaA, start), open(replicaB, start), open(replicaB, start));
        Pool writers = Database.pool(vertx, db.settings(), WRITERS);
        List<Future<Void>> chains = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            chains.add(TestRevocations.appendInTurn(writers, "writer-" + w, APPENDS_PER_WRITER));
        }
        Await.result(Future.all(chains), Duration.ofSeconds(60));
        writers.close();
        List<Long> committed = Await.result(TestRevocations.seqsAfter(pool, start));
        long last = committed.get(committed.size() - 1);

        List<SseClient.Seen> seen = Await.result(SseClient.allUntil(clients, last), Duration.ofSeconds(60));

        assertEquals(WRITERS * APPENDS_PER_WRITER, committed.size());
        for (SseClient.Seen s : seen) {
            assertEquals(committed, s.ids());
        }
        clients.forEach(SseClient::close);
    }

    private static SseClient open(TestAuthServer replica) {
        return Await.result(SseClient.open(http, replica.port(), reader.basic(), null));
    }

    private static SseClient open(TestAuthServer replica, long lastEventId) {
        return Await.result(SseClient.open(http, replica.port(), reader.basic(), Long.toString(lastEventId)));
    }
}
