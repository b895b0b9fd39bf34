package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.LogCapture;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link RevocationListAnswer} over real HTTP against a real database, with pages small enough that a few entries make
 * several: the bytes are those of the one-read answer ({@link RevocationPage#toJson()}), a slow client holds the
 * server's reads back, and a read that fails mid-answer breaks the connection instead of ending the body.
 */
@ExtendWith(VertxExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RevocationListAnswerTest {
    private static final long NOW = 1_900_000_000L;

    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static PgRevocationRepository repository;
    private static final AtomicLong entriesRead = new AtomicLong();
    private static HttpServer server;
    private static HttpClient http;
    private static Context clientLoop;

    @BeforeAll
    static void start(Vertx v) {
        vertx = v;
        pool = db.pool(vertx);
        repository = new PgRevocationRepository(pool);
        RevocationFeedRepository counting = new Counting(repository, entriesRead);
        // Small socket buffers on both ends, so a client that stops reading backs up into the server at once.
        server = Await.result(vertx.createHttpServer(new HttpServerOptions().setSendBufferSize(4096))
                .requestHandler(request -> answer(request, counting))
                .listen(0, "127.0.0.1"));
        clientLoop = vertx.getOrCreateContext();
        http = vertx.createHttpClient(
                new HttpClientOptions().setReceiveBufferSize(4096).setMaxChunkSize(2048));
    }

    @AfterAll
    static void stop() {
        Await.result(server.close());
        Await.result(pool.close());
    }

    @Test
    @Order(1) // first: "none" is an empty table
    void answerWhenNoneOneOrSeveralPagesOfEntriesThenTheBytesOfTheOneReadAnswer() {
        assertAnswersMatch(List.of(0L, 1L, 5L), "none");

        long first = append("sid", "one", null, NOW + 60);
        assertAnswersMatch(List.of(0L, first, first + 1), "one");

        append("jti", "gone", null, NOW - 1);
        long sub = append("sub", "user-\u00e9\"\\", NOW - 30, NOW + 600);
        for (int i = 0; i < 5; i++) {
            append("jti", "several-" + i, null, i % 2 == 0 ? NOW + 60 : NOW);
        }
        long last = append("sid", "last", null, NOW + 1);
        // 5 live entries in pages of 1, 2, 3 (a short last page) and 5 (a page that ends exactly at the list's end).
        assertAnswersMatch(List.of(0L, first, sub, last - 1, last, last + 1), "several");
    }

    @Test
    void answerWhenItSpansPagesThenChunkedElseWithALength() {
        long before = append("jti", "length-0", null, NOW + 60);
        append("jti", "length-1", null, NOW + 60);
        append("jti", "length-2", null, NOW + 60);

        HttpClientResponse chunked = Await.result(onClientLoop(
                () -> get("/?page=1&after=" + before).compose(r -> r.body().map(r))));
        HttpClientResponse whole = Await.result(onClientLoop(
                () -> get("/?page=1000&after=" + before).compose(r -> r.body().map(r))));

        assertEquals("chunked", chunked.getHeader("Transfer-Encoding"));
        assertNull(chunked.getHeader("Content-Length"));
        assertNull(whole.getHeader("Transfer-Encoding"));
        assertEquals("application/json", whole.getHeader("Content-Type"));
        assertTrue(Long.parseLong(whole.getHeader("Content-Length")) > 0);
    }

    @Test
    void answerWhenTheClientReadsSlowlyThenEveryEntryArrivesAndTheServerReadsOnlyAFewPagesAhead() {
        insertLive(50_000, "slow");
        String expected = Await.result(repository.list(0, NOW)).toJson().encode();
        long live = Await.result(repository.list(0, NOW)).entries().size();
        entriesRead.set(0);
        long[] maxLead = {0};

        // At most 2 KiB a millisecond: some seconds for the 5 MiB, which the database reads in well under one.
        Buffer body = Await.result(readSlowly("/?page=200", 1, received -> {
            long receivedEntries = received * live / expected.length();
            maxLead[0] = Math.max(maxLead[0], entriesRead.get() - receivedEntries);
        }));

        assertEquals(expected, body.toString());
        // Two pages (the one being sent, the one read meanwhile) plus what the buffers between hold: about 5,000
        // entries here, where a server that does not wait for the connection gets over 20,000 ahead.
        assertTrue(maxLead[0] < 15_000, "the server read " + maxLead[0] + " entries ahead of the client");
    }

    @Test
    void answerWhenAReadFailsMidAnswerThenTheConnectionBreaksAndOneLineIsLogged() {
        insertLive(20_000, "fail");
        Promise<Void> firstBytes = Promise.promise();
        Promise<HttpClientResponse> paused = Promise.promise();
        try (LogCapture logs = new LogCapture()) {
            Future<Buffer> body = onClientLoop(() -> get("/?page=200").compose(response -> {
                response.pause();
                paused.complete(response);
                Buffer all = Buffer.buffer();
                Promise<Buffer> done = Promise.promise();
                response.handler(chunk -> {
                    all.appendBuffer(chunk);
                    firstBytes.tryComplete();
                });
                response.exceptionHandler(done::tryFail);
                response.endHandler(v -> done.tryComplete(all));
                response.fetch(1);
                return done.future();
            }));
            Await.result(firstBytes.future());
            // The server now waits for the paused client with at most a couple of pages read; the rest will fail.
            Await.result(pool.query("ALTER TABLE revocations RENAME TO revocations_away")
                    .execute());
            try {
                Await.result(paused.future()).resume();
                Throwable failure = Await.failure(body);

                assertTrue(failure != null, "the body ended as if complete");
                Await.until("the failure logged", Await.DEFAULT, () -> logs.lines().stream()
                        .anyMatch(l -> l.contains("revocation list: read failed")));
                assertEquals(
                        1,
                        logs.lines().stream()
                                .filter(l -> l.contains("revocation list: read failed"))
                                .count());
            } finally {
                Await.result(pool.query("ALTER TABLE revocations_away RENAME TO revocations")
                        .execute());
            }
        }
    }

    private static void answer(HttpServerRequest request, RevocationFeedRepository counting) {
        String after = request.getParam("after", "0");
        int page = Integer.parseInt(request.getParam("page", "3"));
        RevocationListAnswer.send(request.response(), LiveListCursor.open(counting, Long.parseLong(after), NOW, page))
                .onFailure(e -> request.response().setStatusCode(503).end());
    }

    private static void assertAnswersMatch(List<Long> afters, String state) {
        for (long after : afters) {
            String expected = Await.result(repository.list(after, NOW)).toJson().encode();
            for (int page : List.of(1, 2, 3, 5, 1000)) {
                String uri = "/?after=" + after + "&page=" + page;
                // The body is read in the response's own callback, before it can have ended unread.
                String body = Await.result(onClientLoop(() -> get(uri).compose(response -> response.statusCode() == 200
                        ? response.body().map(Buffer::toString)
                        : Future.failedFuture("status " + response.statusCode()))));
                assertEquals(expected, body, state + " " + uri);
            }
        }
    }

    /**
     * Runs {@code exchange} on the client's event loop, so the response reaches its callbacks on the loop that reads
     * the connection, before any chunk: from the test's thread the callback could run a hop later, after the first
     * chunk had gone to a response with no handler yet, and been lost.
     */
    private static <T> Future<T> onClientLoop(Supplier<Future<T>> exchange) {
        Promise<T> result = Promise.promise();
        clientLoop.runOnContext(v -> exchange.get().onComplete(result));
        return result.future();
    }

    private static Future<HttpClientResponse> get(String uri) {
        return http.request(HttpMethod.GET, server.actualPort(), "127.0.0.1", uri)
                .compose(request -> request.send());
    }

    /** The body, fetched {@code perTick} chunks every millisecond; {@code progress} sees the bytes so far. */
    private static Future<Buffer> readSlowly(String uri, int perTick, Consumer<Long> progress) {
        return onClientLoop(() -> get(uri).compose(response -> {
            response.pause();
            Buffer all = Buffer.buffer();
            Promise<Buffer> done = Promise.promise();
            long timer = vertx.setPeriodic(1, id -> response.fetch(perTick));
            response.handler(chunk -> {
                all.appendBuffer(chunk);
                progress.accept((long) all.length());
            });
            response.exceptionHandler(done::tryFail);
            response.endHandler(v -> done.tryComplete(all));
            return done.future().onComplete(ar -> vertx.cancelTimer(timer));
        }));
    }

    private static long append(String type, String value, Long notBefore, long expiresAt) {
        return Await.result(repository.append(pool, type, value, notBefore, expiresAt));
    }

    /** {@code count} live sid-like entries in one statement, with every tenth one already expired. */
    private static void insertLive(int count, String prefix) {
        Await.result(pool.preparedQuery("""
                        INSERT INTO revocations (seq, type, value, expires_at)
                        SELECT nextval('revocations_seq'), 'sid', $1 || '-' || i,
                               CASE WHEN i % 10 = 0 THEN $2 - 1 ELSE $2 + 3600 END
                        FROM generate_series(1, $3) AS i""").execute(Tuple.of(prefix, NOW, count)));
    }

    /** The real repository, counting the entries its pages return. */
    private record Counting(PgRevocationRepository delegate, AtomicLong read) implements RevocationFeedRepository {
        @Override
        public Future<RevocationPage> list(long after, long now) {
            return delegate.list(after, now);
        }

        @Override
        public Future<List<RevocationEntry>> livePage(long after, long upTo, long now, int limit) {
            return delegate.livePage(after, upTo, now, limit).onSuccess(page -> read.addAndGet(page.size()));
        }

        @Override
        public Future<List<RevocationEntry>> after(long after, int limit) {
            return delegate.after(after, limit);
        }

        @Override
        public Future<Long> highestSeq() {
            return delegate.highestSeq();
        }

        @Override
        public Future<Integer> prune(long cutoff, int limit) {
            return delegate.prune(cutoff, limit);
        }

        @Override
        public Future<Void> ping(SqlClient connection) {
            return delegate.ping(connection);
        }
    }
}
