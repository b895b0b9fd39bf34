package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A start-up gate (the dev stack's seed) keeps readiness down while liveness is up, until the gate opens. */
class ReadinessGateTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    Vertx vertx;
    WebClient client;

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() {
        Await.result(vertx.close());
    }

    int status(int port, String path) {
        return Await.result(client.get(port, "127.0.0.1", path).send()).statusCode();
    }

    @Test
    void readyWhenGateShutThen503AndWhenItOpensThen200() {
        Promise<Void> seeded = Promise.promise();
        AuthServerVerticle auth = new AuthServerVerticle(AuthServerConfig.from(new Env(TestAuthServer.env(db))))
                .readyAfter(seeded.future());
        Await.result(vertx.deployVerticle(auth));

        assertEquals(200, status(auth.port(), "/health/live"));
        assertEquals(503, status(auth.port(), "/health/ready"));
        seeded.complete();
        Await.until(
                "readiness once the gate opens",
                Duration.ofSeconds(10),
                () -> status(auth.port(), "/health/ready") == 200);
    }

    @Test
    void readyWhenGateFailedThen503() {
        AuthServerVerticle auth = new AuthServerVerticle(AuthServerConfig.from(new Env(TestAuthServer.env(db))))
                .readyAfter(Future.failedFuture("seed failed"));
        Await.result(vertx.deployVerticle(auth));

        assertEquals(503, status(auth.port(), "/health/ready"));
    }
}
