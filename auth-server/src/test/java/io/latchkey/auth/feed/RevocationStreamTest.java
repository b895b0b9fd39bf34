package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.SseClient;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class RevocationStreamTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Pool pool;
    private static TestAuthServer server;
    private static HttpClient http;
    private static WebClient web;
    private static TestClients reader;

    @BeforeAll
    static void start(Vertx vertx) {
        pool = db.pool(vertx);
        Map<String, String> env = TestAuthServer.feedEnv(db);
        env.put(FeedSettings.HEARTBEAT_VARIABLE, "200ms");
        server = TestAuthServer.start(vertx, env);
        http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(100));
        web = WebClient.create(vertx);
        reader = TestClients.revocationReader("stream-reader").insert(pool);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamWhenNewThenEveryLiveEntryFirstThenNewOnes() {
        long now = TestRevocations.now();
        long before = Await.result(TestRevocations.append(pool, "sub", "stream-user", now + 1, now + 420));
        Await.result(TestRevocations.append(pool, "jti", "stream-expired", null, now - 5));
        List<Long> live = liveSeqs();

        SseClient client = open(null);
        SseClient.Seen initial = Await.result(client.untilEvents(live.size()));
        long after = Await.result(TestRevocations.append(pool, "kid", "stream-kid", null, now + 2_592_000));
        SseClient.Seen seen = Await.result(client.untilEvents(live.size() + 1));

        assertEquals(live, initial.ids());
        List<Long> expected = new ArrayList<>(live);
        expected.add(after);
        assertEquals(expected, seen.ids());
        SseClient.Event sub = seen.events().get(live.indexOf(before));
        assertEquals("revoked", sub.event());
        assertEquals(
                new JsonObject()
                        .put("seq", before)
                        .put("type", "sub")
                        .put("value", "stream-user")
                        .put("not_before", now + 1)
                        .put("expires_at", now + 420),
                sub.data());
        assertEquals(
                new JsonObject()
                        .put("seq", after)
                        .put("type", "kid")
                        .put("value", "stream-kid")
                        .put("expires_at", now + 2_592_000),
                seen.events().get(seen.events().size() - 1).data());
        client.close();
    }

    @Test
    void streamWhenOpenedThenEventStreamThatIsNotCached() {
        SseClient client = open(null);

        assertEquals("text/event-stream", client.headers().get("Content-Type"));
        assertEquals("no-store", client.headers().get("Cache-Control"));
        client.close();
    }

    @Test
    void streamWhenResumedWithLastEventIdAfterMissingManyThenReceivesEveryOneOnce() {
        SseClient client = open(null);
        long first = Await.result(TestRevocations.jti(pool, "resume-0"));
        long lastSeen =
                Await.result(client.until(seen -> seen.ids().contains(first))).lastId();
        client.close();
        Await.result(client.untilEnded());

        List<Long> missed = new ArrayList<>();
        for (int i = 1; i <= 300; i++) {
            missed.add(Await.result(TestRevocations.jti(pool, "resume-" + i)));
        }
        SseClient resumed = open(Long.toString(lastSeen));
        SseClient.Seen seen = Await.result(resumed.until(s -> s.lastId() >= missed.get(missed.size() - 1)));

        assertEquals(missed, seen.ids());
        resumed.close();
    }

    @Test
    void streamWhenLastEventIdAboveTheHighestSeqThenEveryLiveEntry() {
        long latest = Await.result(TestRevocations.jti(pool, "above-highest"));
        List<Long> live = liveSeqs();

        SseClient client = open(Long.toString(latest + 1));
        SseClient.Seen seen = Await.result(client.untilEvents(live.size()));

        assertEquals(live, seen.ids());
        client.close();
    }

    @Test
    void streamWhenIdleThenHeartbeatComments() {
        SseClient client = open(null);

        SseClient.Seen seen = Await.result(client.until(s -> s.comments() >= 3));

        assertTrue(seen.comments() >= 3);
        client.close();
    }

    @Test
    void streamWhenLastEventIdMalformedThenInvalidRequest() {
        HttpResponse<Buffer> response = Await.result(web.get(server.port(), "127.0.0.1", "/revocations/stream")
                .putHeader("Authorization", reader.basic())
                .putHeader("Last-Event-ID", "seven")
                .send());

        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "Last-Event-ID must be a non-negative integer"),
                response.bodyAsJsonObject());
    }

    @Test
    void streamWhenManyClientsThenEachGetsEveryNewEntryInOrder() {
        List<SseClient> clients = new ArrayList<>();
        long start = liveSeqs().stream().mapToLong(Long::longValue).max().orElse(0);
        for (int i = 0; i < 20; i++) {
            clients.add(open(Long.toString(start)));
        }
        List<Long> appended = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            appended.add(Await.result(TestRevocations.jti(pool, "many-" + i)));
        }
        long last = appended.get(appended.size() - 1);

        List<SseClient.Seen> seen = Await.result(Future.all(clients.stream()
                        .map(c -> c.until(s -> s.lastId() >= last))
                        .toList()))
                .list();

        List<Long> expected =
                LongStream.rangeClosed(appended.get(0), last).boxed().toList();
        assertEquals(appended, expected);
        seen.forEach(s -> assertEquals(expected, s.ids()));
        clients.forEach(SseClient::close);
    }

    private static List<Long> liveSeqs() {
        return Await.result(pool.preparedQuery("SELECT seq FROM revocations WHERE expires_at > $1 ORDER BY seq")
                .execute(io.vertx.sqlclient.Tuple.of(TestRevocations.now()))
                .map(rows -> {
                    List<Long> seqs = new ArrayList<>();
                    rows.forEach(row -> seqs.add(row.getLong("seq")));
                    return seqs;
                }));
    }

    private static SseClient open(String lastEventId) {
        return Await.result(SseClient.open(http, server.port(), reader.basic(), lastEventId));
    }
}
