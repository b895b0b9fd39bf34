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
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One replica with a listener on each of several event loops, all sharing its one feed: streams opened on any loop
 * while entries are being written each get every entry after their position once, in seq order. A stream that
 * joined on its own loop while the feed's loop broadcast could miss the batch sent meanwhile.
 */
@ExtendWith(VertxExtension.class)
class FeedEventLoopsTest {
    private static final int WRITERS = 4;
    private static final int APPENDS_PER_WRITER = 60;
    private static final int STREAMS = 24;

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Pool pool;
    private static TestAuthServer server;
    private static HttpClient http;
    private static TestClients reader;

    @BeforeAll
    static void start(Vertx vertx) {
        pool = db.pool(vertx);
        Map<String, String> env = TestAuthServer.env(db);
        env.put("LATCHKEY_EVENT_LOOPS", "4");
        server = TestAuthServer.start(vertx, env);
        http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(STREAMS));
        reader = TestClients.revocationReader("loops-reader").insert(pool);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamWhenOpenedOnAnyEventLoopWhileEntriesAreWrittenThenItGetsEveryLaterEntryOnceInOrder(Vertx vertx) {
        long start = Await.result(TestRevocations.highestSeq(pool));
        Pool writers = Database.pool(vertx, db.settings(), WRITERS);
        List<Future<Void>> chains = new ArrayList<>();
        for (int w = 0; w < WRITERS; w++) {
            chains.add(TestRevocations.appendInTurn(writers, "loops-writer-" + w, APPENDS_PER_WRITER));
        }
        // Streams open one after another while the writers run, so joins and broadcasts interleave.
        List<SseClient> clients = new ArrayList<>();
        for (int i = 0; i < STREAMS; i++) {
            clients.add(Await.result(SseClient.open(http, server.port(), reader.basic(), Long.toString(start))));
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
}
