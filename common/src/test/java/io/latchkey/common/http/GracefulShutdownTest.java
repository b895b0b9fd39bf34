package io.latchkey.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetClient;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What a service's {@code stop()} relies on: {@code HttpServer.shutdown(timeout)} stops accepting connections at
 * once, lets a request already in flight finish with its real answer, and gives up on it only at the timeout.
 */
@ExtendWith(VertxExtension.class)
class GracefulShutdownTest {
    private final Promise<Void> arrived = Promise.promise();
    private final Promise<Void> release = Promise.promise();
    private WebClient client;
    private NetClient probe;

    @AfterEach
    void close() {
        if (client != null) {
            client.close();
        }
        if (probe != null) {
            probe.close();
        }
    }

    @Test
    void shutdownWhenRequestInFlightThenItCompletesWith200WhileNewConnectionsAreRefused(Vertx vertx) throws Exception {
        HttpServer server = slowServer(vertx);
        int port = server.actualPort();
        Future<HttpResponse<io.vertx.core.buffer.Buffer>> inFlight =
                client.get(port, "127.0.0.1", "/slow").send();
        Await.result(arrived.future());

        Future<Void> shutdown = server.shutdown(10, TimeUnit.SECONDS);

        Await.until("new connections are refused", Duration.ofSeconds(5), () -> refused(vertx, port));
        assertFalse(shutdown.isComplete(), "shutdown waits for the request in flight");
        assertFalse(inFlight.isComplete());
        release.complete();
        HttpResponse<?> response = Await.result(inFlight);
        assertEquals(200, response.statusCode());
        assertEquals("finished", response.bodyAsString());
        Await.result(shutdown);
        assertTrue(refused(vertx, port));
    }

    @Test
    void shutdownWhenRequestOutlastsTheTimeoutThenConnectionClosedAtTheTimeout(Vertx vertx) throws Exception {
        HttpServer server = slowServer(vertx);
        Future<HttpResponse<io.vertx.core.buffer.Buffer>> inFlight =
                client.get(server.actualPort(), "127.0.0.1", "/slow").send();
        Await.result(arrived.future());
        long started = System.nanoTime();

        Await.result(server.shutdown(300, TimeUnit.MILLISECONDS));

        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertTrue(tookMs >= 250 && tookMs < 5_000, "shutdown took " + tookMs + " ms");
        Await.failure(inFlight);
    }

    private HttpServer slowServer(Vertx vertx) throws Exception {
        client = WebClient.create(vertx);
        probe = vertx.createNetClient();
        return Await.result(vertx.createHttpServer()
                .requestHandler(request -> {
                    arrived.tryComplete();
                    release.future().onComplete(v -> request.response().end("finished"));
                })
                .listen(0, "127.0.0.1"));
    }

    /** Whether a fresh TCP connection to {@code port} is refused; one that gets through is closed again. */
    private boolean refused(Vertx vertx, int port) {
        Future<Void> attempt = probe.connect(port, "127.0.0.1").compose(socket -> socket.close());
        Await.until("the connection attempt settles", Duration.ofSeconds(5), attempt::isComplete);
        return attempt.failed();
    }
}
