package io.latchkey.auth.feed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestRevocations;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import io.vertx.sqlclient.Pool;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(VertxExtension.class)
class RevocationListTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Pool pool;
    private static TestAuthServer server;
    private static WebClient web;
    private static TestClients reader;

    @BeforeAll
    static void start(Vertx vertx) {
        pool = db.pool(vertx);
        server = TestAuthServer.start(vertx, TestAuthServer.feedEnv(db));
        web = WebClient.create(vertx);
        reader = TestClients.revocationReader("list-reader").insert(pool);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void listWhenNoAfterThenEveryLiveEntryInSeqOrderAndTheLastSeq() {
        long now = TestRevocations.now();
        long jti = Await.result(TestRevocations.append(pool, "jti", "list-jti", null, now + 600));
        long expired = Await.result(TestRevocations.append(pool, "jti", "list-expired", null, now - 10));
        long sub = Await.result(TestRevocations.append(pool, "sub", "list-user", now + 1, now + 420));

        JsonObject body = get("/revocations").bodyAsJsonObject();

        JsonArray entries = body.getJsonArray("entries");
        assertTrue(body.getLong("last_seq") >= sub);
        List<Long> seqs =
                entries.stream().map(e -> ((JsonObject) e).getLong("seq")).toList();
        assertEquals(seqs.stream().sorted().toList(), seqs);
        assertTrue(seqs.contains(jti) && seqs.contains(sub) && !seqs.contains(expired), seqs.toString());
        assertEquals(
                new JsonObject()
                        .put("seq", jti)
                        .put("type", "jti")
                        .put("value", "list-jti")
                        .put("expires_at", now + 600),
                entries.getJsonObject(seqs.indexOf(jti)));
        assertEquals(
                new JsonObject()
                        .put("seq", sub)
                        .put("type", "sub")
                        .put("value", "list-user")
                        .put("not_before", now + 1)
                        .put("expires_at", now + 420),
                entries.getJsonObject(seqs.indexOf(sub)));
    }

    @Test
    void listWhenAfterThenOnlyLaterLiveEntries() {
        long first = Await.result(TestRevocations.jti(pool, "after-1"));
        long second = Await.result(TestRevocations.jti(pool, "after-2"));
        long third = Await.result(TestRevocations.append(pool, "sid", "after-3", null, TestRevocations.now() + 60));

        JsonObject body = get("/revocations?after=" + first).bodyAsJsonObject();

        assertEquals(third, body.getLong("last_seq"));
        List<Long> seqs = body.getJsonArray("entries").stream()
                .map(e -> ((JsonObject) e).getLong("seq"))
                .toList();
        assertEquals(List.of(second, third), seqs);
    }

    @Test
    void listWhenAfterIsTheLastSeqThenNoEntries() {
        long last = Await.result(TestRevocations.jti(pool, "after-last"));

        JsonObject body = get("/revocations?after=" + last).bodyAsJsonObject();

        assertEquals(new JsonObject().put("entries", new JsonArray()).put("last_seq", last), body);
    }

    @Test
    void listWhenAfterAboveTheHighestSeqThenEveryLiveEntry() {
        Await.result(TestRevocations.jti(pool, "above-1"));
        JsonObject all = get("/revocations").bodyAsJsonObject();

        JsonObject above =
                get("/revocations?after=" + (all.getLong("last_seq") + 1)).bodyAsJsonObject();

        assertEquals(all, above);
        assertTrue(all.getJsonArray("entries").size() >= 1);
    }

    @Test
    void listWhenAnsweredThenNotCached() {
        HttpResponse<Buffer> response = get("/revocations");

        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.getHeader("Content-Type"));
        assertEquals("no-store", response.getHeader("Cache-Control"));
    }

    @Test
    void listWhenAfterMalformedThenInvalidRequestAndNothingElse() {
        for (String after : List.of("abc", "-1", "1.5", "", "+3", "99999999999999999999", "1e3")) {
            HttpResponse<Buffer> response = get("/revocations?after=" + after);

            assertEquals(400, response.statusCode(), after);
            assertEquals("no-store", response.getHeader("Cache-Control"));
            assertEquals(
                    new JsonObject()
                            .put("error", "invalid_request")
                            .put("error_description", "after must be a non-negative integer"),
                    response.bodyAsJsonObject(),
                    after);
        }
    }

    @Test
    void listWhenAfterRepeatedThenInvalidRequest() {
        HttpResponse<Buffer> response = get("/revocations?after=1&after=2");

        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "after must appear at most once"),
                response.bodyAsJsonObject());
    }

    private static HttpResponse<Buffer> get(String uri) {
        return Await.result(web.get(server.port(), "127.0.0.1", uri)
                .putHeader("Authorization", reader.basic())
                .send());
    }
}
