package io.latchkey.auth.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.sqlclient.Pool;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code LATCHKEY_KEY_SERVICE_URL} lists a replica that answers 503 first and the real key-service second: tokens
 * keep coming, and once the second replica has signed, later tokens go straight to it instead of paying a failed
 * attempt each.
 */
class KeyServiceFailoverTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;
    static HttpServer failingReplica;
    static final AtomicInteger failingCalls = new AtomicInteger();
    static TestStack stack;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        failingReplica = Await.result(vertx.createHttpServer()
                .requestHandler(request -> {
                    // Signing attempts only: auth-server's key-service probe asks /health/live too.
                    if (request.path().startsWith("/internal/sign")) {
                        failingCalls.incrementAndGet();
                    }
                    request.response().setStatusCode(503).end();
                })
                .listen(0, "127.0.0.1"));
        String failing = "http://127.0.0.1:" + failingReplica.actualPort();
        stack = TestStack.start(
                vertx,
                db,
                env -> env.put("LATCHKEY_KEY_SERVICE_URL", failing + "," + env.get("LATCHKEY_KEY_SERVICE_URL")));
        pool = db.pool(vertx);
        TestClients.confidential("svc")
                .scopes("notes:read")
                .audience("resource-demo")
                .insert(pool);
    }

    @AfterAll
    static void stop() {
        stack.close();
        Await.result(pool.close());
        Await.result(failingReplica.close());
        Await.result(vertx.close());
    }

    @Test
    void tokenWhenFirstKeyServiceFailsThenNextSignsAndLaterTokensSkipTheFailedOne() {
        for (int i = 0; i < 5; i++) {
            var response = stack.auth().token("svc", "grant_type=client_credentials");
            assertEquals(200, response.statusCode(), response.bodyAsString());
        }
        assertEquals(1, failingCalls.get(), "the failing replica is tried once, not once per token");
    }
}
