package io.latchkey.auth.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Origin rules and the preflight snapshot, on plain values: no server, no database. */
class CorsOriginsTest {
    private static final Duration TTL = Duration.ofSeconds(30);

    private final AtomicLong now = new AtomicLong();
    private final Reads reads = new Reads();
    private final CorsOrigins origins = new CorsOrigins(reads, TTL, now::get);

    @Test
    void wellFormedWhenOriginIsHostileThenFalse() {
        assertTrue(CorsOrigins.wellFormed("https://app.example"));
        assertTrue(CorsOrigins.wellFormed("http://localhost:3000"));
        for (String hostile : new String[] {
            null,
            "",
            "null",
            "*",
            "app.example",
            "https://app.example\u0000",
            "https://app\t.example",
            "https://app .example",
            "https://äpp.example",
            "https://" + "a".repeat(CorsOrigins.MAX_LENGTH) + ".example"
        }) {
            assertFalse(CorsOrigins.wellFormed(hostile), String.valueOf(hostile));
        }
    }

    @Test
    void listedByWhenClientListsTheExactOriginThenTrue() {
        Client client = client("https://app.example", "null");

        assertTrue(CorsOrigins.listedBy(client, "https://app.example"));
        assertFalse(CorsOrigins.listedBy(client, "https://app.example/"));
        assertFalse(CorsOrigins.listedBy(client, "https://APP.example"));
        assertFalse(CorsOrigins.listedBy(client, "null"));
        assertFalse(CorsOrigins.listedBy(client, null));
    }

    @Test
    void listedByAnyClientWhenSnapshotFreshThenNoSecondRead() {
        reads.answers.add(Future.succeededFuture(Set.of("https://app.example")));

        assertTrue(origins.listedByAnyClient("https://app.example").result());
        now.addAndGet(TTL.toNanos() - 1);
        assertFalse(origins.listedByAnyClient("https://other.example").result());

        assertEquals(1, reads.count);
    }

    @Test
    void listedByAnyClientWhenOriginMalformedThenNoRead() {
        assertFalse(origins.listedByAnyClient("null").result());
        assertFalse(origins.listedByAnyClient("https://" + "a".repeat(500)).result());

        assertEquals(0, reads.count);
    }

    @Test
    void listedByAnyClientWhenSnapshotStaleThenReadAgain() {
        reads.answers.add(Future.succeededFuture(Set.of("https://app.example")));
        reads.answers.add(Future.succeededFuture(Set.of("https://new.example")));
        assertTrue(origins.listedByAnyClient("https://app.example").result());

        now.addAndGet(TTL.toNanos());

        assertTrue(origins.listedByAnyClient("https://new.example").result());
        assertFalse(origins.listedByAnyClient("https://app.example").result());
        assertEquals(2, reads.count);
    }

    @Test
    void listedByAnyClientWhenRefreshFailsThenPreviousSnapshotServesAndNextCallRetries() {
        reads.answers.add(Future.succeededFuture(Set.of("https://app.example")));
        reads.answers.add(Future.failedFuture("database down"));
        reads.answers.add(Future.succeededFuture(Set.of()));
        assertTrue(origins.listedByAnyClient("https://app.example").result());
        now.addAndGet(TTL.toNanos());

        assertTrue(origins.listedByAnyClient("https://app.example").result());
        assertFalse(origins.listedByAnyClient("https://app.example").result());
        assertEquals(3, reads.count);
    }

    @Test
    void listedByAnyClientWhenFirstReadFailsThenFailure() {
        reads.answers.add(Future.failedFuture("database down"));

        assertTrue(origins.listedByAnyClient("https://app.example").failed());
    }

    private static Client client(String... origins) {
        return new Client(
                "app",
                null,
                List.of("password"),
                List.of("notes:read"),
                "api",
                false,
                0,
                new ClientMetadata(
                        List.of(),
                        List.of(),
                        Optional.empty(),
                        List.of(origins),
                        false,
                        Optional.empty(),
                        ClientMetadata.DEFAULT_SIGNING_ALG,
                        false));
    }

    /** Answers each read with the next queued result. */
    private static final class Reads implements CorsOriginRepository {
        final Deque<Future<Set<String>>> answers = new ArrayDeque<>();
        int count;

        @Override
        public Future<Set<String>> enabledClientOrigins() {
            count++;
            return answers.remove();
        }
    }
}
