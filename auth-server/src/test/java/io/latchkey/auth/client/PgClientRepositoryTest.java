package io.latchkey.auth.client;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client lookups on real PostgreSQL, alone and queued up on one event loop so they share a query. */
class PgClientRepositoryTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static PgClientRepository clients;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        clients = new PgClientRepository(pool);
        TestClients.confidential("svc-a").scopes("notes:read").audience("api-a").insert(pool);
        TestClients.publicClient("app-b").insert(pool);
    }

    @AfterAll
    static void stop() throws Exception {
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void findWhenLookupsQueueOnOneEventLoopThenEachGetsItsOwnClientOrNone() throws Exception {
        List<String> ids =
                List.of("svc-a", "app-b", "nobody", "svc-a", "SVC-A", "app-b", "svc-a\u0000", "x".repeat(65));
        Context loop = vertx.getOrCreateContext();
        CompletableFuture<List<Future<Optional<Client>>>> calls = new CompletableFuture<>();
        loop.runOnContext(v -> {
            List<Future<Optional<Client>>> futures = new ArrayList<>();
            ids.forEach(id -> futures.add(clients.find(id)));
            calls.complete(futures);
        });
        List<Optional<Client>> found = new ArrayList<>();
        for (Future<Optional<Client>> call : calls.get()) {
            found.add(Await.result(call));
        }

        Client svc = found.get(0).orElseThrow();
        assertEquals("svc-a", svc.clientId());
        assertEquals("api-a", svc.audience());
        assertEquals(List.of("notes:read"), svc.scopes());
        assertArrayEquals(sha256(TestClients.secretOf("svc-a")), svc.secretHash());
        assertEquals("app-b", found.get(1).orElseThrow().clientId());
        assertTrue(found.get(1).orElseThrow().isPublic());
        assertEquals(Optional.empty(), found.get(2));
        assertEquals("svc-a", found.get(3).orElseThrow().clientId());
        assertEquals(Optional.empty(), found.get(4), "client ids are case-sensitive");
        assertEquals("app-b", found.get(5).orElseThrow().clientId());
        assertEquals(Optional.empty(), found.get(6), "a NUL byte neither matches nor fails the others' query");
        assertEquals(Optional.empty(), found.get(7));
    }

    @Test
    void findWhenCalledOffTheEventLoopThenStillAnswers() throws Exception {
        assertEquals("svc-a", Await.result(clients.find("svc-a")).orElseThrow().clientId());
        assertEquals(Optional.empty(), Await.result(clients.find("nobody")));
    }

    @Test
    void createWhenAudienceIsAnArrayThenFoundAsTheSameArrayEvenOfOne() throws Exception {
        JsonArray two = new JsonArray().add("api-a").add("api-b");
        JsonArray one = new JsonArray().add("api-a");
        Await.result(clients.create(pool, client("svc-two", two)));
        Await.result(clients.create(pool, client("svc-one", one)));

        assertEquals(two, Await.result(clients.find("svc-two")).orElseThrow().audience());
        assertEquals(one, Await.result(clients.find("svc-one")).orElseThrow().audience());
    }

    private static Client client(String clientId, Object audience) {
        return new Client(
                clientId,
                ClientSecrets.sha256(TestClients.secretOf(clientId)),
                List.of("client_credentials"),
                List.of("notes:read"),
                audience,
                false,
                0);
    }

    private static byte[] sha256(String secret) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
    }
}
