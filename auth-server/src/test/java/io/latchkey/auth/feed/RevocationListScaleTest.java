package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * auth-server answering a list of 50,000 entries, ten of its pages, to clients that read slowly: {@code GET
 * /revocations} still sends every entry as one answer, the same bytes as the one-read answer, and a new stream catches
 * up on every entry in order before it follows live.
 */
@ExtendWith(VertxExtension.class)
class RevocationListScaleTest {
    private static final int ENTRIES = 50_000;
    private static final Pattern ID = Pattern.compile("^id: ([0-9]+)$", Pattern.MULTILINE);

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static TestAuthServer server;
    private static HttpClient http;
    private static TestClients reader;
    private static List<Long> live;

    @BeforeAll
    static void start(Vertx v) {
        vertx = v;
        pool = db.pool(vertx);
        // Small socket buffers, so a slow client backs up into the server's write queue at once.
        server = TestAuthServer.start(
                vertx,
                new AuthServerVerticle(TestAuthServer.config(TestAuthServer.feedEnv(db), FeedSettings.defaults()))
                        .listenerOptions(options -> options.setSendBufferSize(4096)));
        http = vertx.createHttpClient(
                new HttpClientOptions().setReceiveBufferSize(4096).setMaxChunkSize(2048));
        reader = TestClients.revocationReader("scale-reader").insert(pool);
        long now = TestRevocations.now();
        // Every tenth entry expired: the pages skip them without coming back short.
        live = Await.result(
                pool.preparedQuery("""
                        INSERT INTO revocations (seq, type, value, expires_at)
                        SELECT nextval('revocations_seq'), 'sid', gen_random_uuid()::text,
                               CASE WHEN i % 10 = 0 THEN $1 - 60 ELSE $1 + 3600 END
                        FROM generate_series(1, $2) AS i
                        RETURNING seq, expires_at""").execute(Tuple.of(now, ENTRIES)).map(rows -> {
                    List<Long> seqs = new ArrayList<>();
                    rows.forEach(row -> {
                        if (row.getLong("expires_at") > now) {
                            seqs.add(row.getLong("seq"));
                        }
                    });
                    return seqs.stream().sorted().toList();
                }));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listWhenManyPagesAndASlowClientThenEveryEntryAsTheOneReadAnswer() {
        String expected = Await.result(new PgRevocationRepository(pool).list(0, TestRevocations.now()))
                .toJson()
                .encode();
        String[] transferEncoding = new String[1];

        Buffer body = Await.result(readSlowly(
                "/revocations", response -> transferEncoding[0] = response.getHeader("Transfer-Encoding"), text -> {}));

        assertEquals("chunked", transferEncoding[0]);
        assertEquals(expected, body.toString());
    }

    @Test
    void streamWhenManyPagesAndASlowClientThenEveryEntryInOrderThenLive() {
        List<Long> ids = new ArrayList<>();
        Promise<Void> caughtUp = Promise.promise();
        Promise<Long> followed = Promise.promise();
        StringBuilder pending = new StringBuilder();
        long lastLive = live.get(live.size() - 1);
        Future<Buffer> stream = readSlowly("/revocations/stream", response -> {}, text -> {
            pending.append(text);
            int end = pending.lastIndexOf("\n\n");
            if (end < 0) {
                return;
            }
            Matcher id = ID.matcher(pending.substring(0, end));
            while (id.find()) {
                ids.add(Long.parseLong(id.group(1)));
            }
            pending.delete(0, end + 2);
            if (!ids.isEmpty() && ids.get(ids.size() - 1) >= lastLive) {
                caughtUp.tryComplete();
                if (ids.get(ids.size() - 1) > lastLive) {
                    followed.tryComplete(ids.get(ids.size() - 1));
                }
            }
        });
        Await.result(caughtUp.future());

        long appended = Await.result(TestRevocations.jti(pool, "after-the-catch-up"));

        assertEquals(appended, Await.result(followed.future()));
        List<Long> expected = new ArrayList<>(live);
        expected.add(appended);
        assertEquals(expected, ids);
        assertEquals(false, stream.isComplete(), "the stream ended");
    }

    /**
     * The answer to {@code uri}, fetched a chunk of at most 2 KiB a millisecond; {@code head} sees the response before
     * its body, {@code text} each chunk as it comes.
     */
    private static Future<Buffer> readSlowly(String uri, Consumer<HttpClientResponse> head, Consumer<String> text) {
        RequestOptions request = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(server.port())
                .setURI(uri)
                .putHeader("Authorization", reader.basic());
        // Sent from an event loop, so the response's callback runs on the loop that reads the connection, before any
        // chunk: from the test's thread it could run a hop later, the first chunk gone to a response without a handler.
        Promise<Buffer> answer = Promise.promise();
        vertx.getOrCreateContext()
                .runOnContext(v -> slowExchange(request, head, text).onComplete(answer));
        return answer.future();
    }

    private static Future<Buffer> slowExchange(
            RequestOptions request, Consumer<HttpClientResponse> head, Consumer<String> text) {
        return http.request(request).compose(r -> r.send()).compose(response -> {
            response.pause();
            head.accept(response);
            Buffer all = Buffer.buffer();
            Promise<Buffer> done = Promise.promise();
            long timer = vertx.setPeriodic(1, id -> response.fetch(1));
            response.handler(chunk -> {
                all.appendBuffer(chunk);
                text.accept(chunk.toString());
            });
            response.exceptionHandler(done::tryFail);
            response.endHandler(v -> done.tryComplete(all));
            return done.future().onComplete(ar -> vertx.cancelTimer(timer));
        });
    }
}
