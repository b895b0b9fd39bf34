package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.test.SseClient;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Many streams on one auth-server: every subscriber sees every entry once and in commit order, and one that never
 * reads is cut off instead of being buffered for, then catches up from the table with {@code Last-Event-ID}.
 */
@ExtendWith(VertxExtension.class)
class FeedScaleTest {
    /** As many as two shared cores carry with the server, the database and the clients in one JVM. */
    private static final int SUBSCRIBERS = 200;

    private static final int ENTRIES = 400;
    /** Long values, so the entries outgrow the slow client's socket buffers and the stream's backlog quickly. */
    private static final String LONG_VALUE = "v".repeat(240);

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Pool pool;
    private static TestAuthServer server;
    private static HttpClient http;
    private static TestClients reader;

    @BeforeAll
    static void start(Vertx vertx) {
        pool = db.pool(vertx);
        FeedSettings settings = FeedSettings.defaults()
                .withHeartbeatInterval(Duration.ofSeconds(1))
                .withCatchUpInterval(Duration.ofMillis(500))
                .withWriteBacklogBytes(16 * 1024);
        // Small socket buffers, so a client that stops reading backs up into the server's write queue quickly.
        server = TestAuthServer.start(
                vertx,
                new AuthServerVerticle(TestAuthServer.config(TestAuthServer.feedEnv(db), settings))
                        .listenerOptions(options -> options.setSendBufferSize(4096)));
        http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(2 * SUBSCRIBERS));
        reader = TestClients.revocationReader("scale-reader").insert(pool);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamWithManySubscribersAndOneThatNeverReadsThenEachSeesEveryEntryInOrder() throws IOException {
        long start = Await.result(TestRevocations.jti(pool, "scale-start"));
        List<SseClient> clients = Await.result(Future.all(IntStream.range(0, SUBSCRIBERS)
                        .mapToObj(i -> SseClient.open(http, server.port(), reader.basic(), Long.toString(start)))
                        .toList()))
                .list();
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            slow.setSoTimeout((int) Await.DEFAULT.toMillis());
            slow.getOutputStream()
                    .write(("GET /revocations/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + reader.basic()
                                    + "\r\nLast-Event-ID: " + start + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));

            Await.result(TestRevocations.appendInTurn(pool, LONG_VALUE, ENTRIES));
            List<Long> appended = Await.result(TestRevocations.seqsAfter(pool, start));
            long last = appended.get(appended.size() - 1);
            // A fast subscriber the server cut off too (2 cores do not always keep 200 readers ahead) resumes as a
            // verifier would; what counts is that nothing is lost, duplicated or reordered across its connections.
            List<List<Long>> seen = Await.result(Future.all(clients.stream()
                            .map(client -> follow(client, start, last, List.of()))
                            .toList()))
                    .list();
            List<Long> slowSeen = FeedResilienceTest.ids(FeedResilienceTest.readUntilCut(slow));
            long resumeFrom = slowSeen.isEmpty() ? start : slowSeen.get(slowSeen.size() - 1);
            List<Long> rest =
                    Await.result(open(resumeFrom).compose(client -> follow(client, resumeFrom, last, List.of())));

            assertEquals(ENTRIES, appended.size());
            for (List<Long> ids : seen) {
                assertEquals(appended, ids);
            }
            assertTrue(slowSeen.size() < appended.size(), "the client that never reads should have been cut off");
            assertEquals(appended.subList(0, slowSeen.size()), slowSeen);
            assertEquals(appended.subList(slowSeen.size(), appended.size()), rest);
        }
    }

    /**
     * The ids {@code client} receives up to {@code last}, after {@code seenBefore}; when the server cuts it, it
     * resumes with {@code Last-Event-ID} set to the last id it holds.
     */
    private static Future<List<Long>> follow(SseClient client, long from, long last, List<Long> seenBefore) {
        return client.until(s -> s.lastId() >= last || s.ended()).compose(seen -> {
            List<Long> all = new ArrayList<>(seenBefore);
            all.addAll(seen.ids());
            if (!all.isEmpty() && all.get(all.size() - 1) >= last) {
                client.close();
                return Future.succeededFuture(all);
            }
            long resumeFrom = all.isEmpty() ? from : all.get(all.size() - 1);
            return open(resumeFrom).compose(next -> follow(next, from, last, all));
        });
    }

    private static Future<SseClient> open(long lastEventId) {
        return SseClient.open(http, server.port(), reader.basic(), Long.toString(lastEventId));
    }
}
