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
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The feed when things go wrong: a lost notification, a lost LISTEN connection, a client that stops reading. */
@ExtendWith(VertxExtension.class)
class FeedResilienceTest {
    private static final String LONG_VALUE = "v".repeat(250);

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static TestAuthServer server;
    private static HttpClient http;
    private static TestClients reader;

    @BeforeAll
    static void start(Vertx v) {
        vertx = v;
        pool = db.pool(vertx);
        FeedSettings settings = FeedSettings.defaults()
                .withHeartbeatInterval(Duration.ofMillis(200))
                .withCatchUpInterval(Duration.ofMillis(500))
                .withWriteBacklogBytes(16 * 1024);
        // Small socket buffers, so a client that stops reading backs up into the server's write queue quickly.
        server = TestAuthServer.start(
                vertx,
                new AuthServerVerticle(TestAuthServer.config(TestAuthServer.feedEnv(db), settings))
                        .listenerOptions(options -> options.setSendBufferSize(4096)));
        http = vertx.createHttpClient(new HttpClientOptions(), new PoolOptions().setHttp1MaxSize(20));
        reader = TestClients.revocationReader("resilience-reader").insert(pool);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void streamWhenANotificationIsLostThenThePeriodicReadDeliversTheEntry() {
        SseClient client = open(http, null);

        // Committed without NOTIFY, as if the notification had been lost on the way.
        long silent = Await.result(pool.preparedQuery("""
                        INSERT INTO revocations (seq, type, value, expires_at)
                        VALUES (nextval('revocations_seq'), 'jti', 'silent', $1) RETURNING seq""")
                .execute(Tuple.of(TestRevocations.now() + 600))
                .map(rows -> rows.iterator().next().getLong("seq")));

        assertEquals(
                silent,
                Await.result(client.until(s -> s.ids().contains(silent))).lastId());
        client.close();
    }

    @Test
    void streamWhenTheListenConnectionIsLostThenStreamsEndAndResumeWithoutLoss() {
        SseClient client = open(http, null);
        long before = Await.result(TestRevocations.jti(pool, "before-loss"));
        Await.result(client.until(s -> s.ids().contains(before) && s.comments() > 0));

        Await.result(pool.query("""
                        SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                        WHERE application_name = 'latchkey-feed' AND datname = current_database()""").execute());
        SseClient.Seen ended = Await.result(client.untilEnded());
        List<Long> during = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            during.add(Await.result(TestRevocations.jti(pool, "during-loss-" + i)));
        }
        SseClient resumed = Await.result(openOnceAvailable(ended.lastId()));
        SseClient.Seen seen = Await.result(resumed.until(s -> s.lastId() >= during.get(during.size() - 1)));

        assertEquals(before, ended.lastId());
        assertEquals(during, seen.ids());
        resumed.close();
    }

    @Test
    void streamWhenAClientStopsReadingThenItIsCutOffAndResumesWithoutLoss() throws IOException {
        long start = Await.result(TestRevocations.jti(pool, "slow-start"));
        SseClient fast = open(http, Long.toString(start));
        // A plain blocking socket that reads nothing until told: its small receive buffer fills for certain.
        try (Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", server.port()));
            slow.setSoTimeout((int) Await.DEFAULT.toMillis());
            slow.getOutputStream()
                    .write(("GET /revocations/stream HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: " + reader.basic()
                                    + "\r\nLast-Event-ID: " + start + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));

            List<Long> appended = new ArrayList<>();
            for (int i = 0; i < 400; i++) {
                appended.add(Await.result(TestRevocations.jti(pool, LONG_VALUE + i)));
            }
            long last = appended.get(appended.size() - 1);
            SseClient.Seen fastSeen = Await.result(fast.until(s -> s.lastId() >= last));
            // Reads what the server had sent before it cut the connection; a timeout here means it never did.
            List<Long> slowSeen = ids(readUntilCut(slow));
            SseClient resumed = open(http, Long.toString(slowSeen.get(slowSeen.size() - 1)));
            SseClient.Seen rest = Await.result(resumed.until(s -> s.lastId() >= last));

            assertEquals(appended, fastSeen.ids());
            assertTrue(slowSeen.size() < appended.size(), "the slow client should have been cut off");
            assertEquals(appended.subList(0, slowSeen.size()), slowSeen);
            assertEquals(appended.subList(slowSeen.size(), appended.size()), rest.ids());
            fast.close();
            resumed.close();
        }
    }

    /** Everything received until the server closed, reset or ended (last chunk) the stream. */
    static String readUntilCut(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            int n;
            while ((n = socket.getInputStream().read(chunk)) >= 0) {
                received.write(chunk, 0, n);
                if (received.toString(StandardCharsets.US_ASCII).endsWith("\r\n0\r\n\r\n")) {
                    break;
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server never cut off the client that stopped reading");
        } catch (SocketException e) {
            // A reset is one way of being cut off.
        }
        return received.toString(StandardCharsets.UTF_8);
    }

    static List<Long> ids(String stream) {
        List<Long> ids = new ArrayList<>();
        Matcher m = Pattern.compile("\nid: ([0-9]+)\n").matcher(stream);
        while (m.find()) {
            ids.add(Long.parseLong(m.group(1)));
        }
        return ids;
    }

    /** Retries while the feed answers 503 (it is reconnecting), within the caller's deadline. */
    private static Future<SseClient> openOnceAvailable(long lastEventId) {
        Promise<SseClient> promise = Promise.promise();
        attempt(promise, lastEventId);
        return promise.future();
    }

    private static void attempt(Promise<SseClient> promise, long lastEventId) {
        SseClient.open(http, server.port(), reader.basic(), Long.toString(lastEventId))
                .onSuccess(promise::tryComplete)
                .onFailure(e -> vertx.setTimer(50, id -> attempt(promise, lastEventId)));
    }

    private static SseClient open(HttpClient client, String lastEventId) {
        return Await.result(SseClient.open(client, server.port(), reader.basic(), lastEventId));
    }
}
