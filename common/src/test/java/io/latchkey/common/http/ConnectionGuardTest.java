package io.latchkey.common.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The bounds every listener puts on its clients, with real sockets on loopback: a request whose headers or body
 * trickle in is answered 408 and cut at the request timeout while other clients are served; an idle connection is
 * closed at the idle timeout; a connection past the limit is closed; an HTTP version other than 1.x gets 505.
 */
@ExtendWith(VertxExtension.class)
class ConnectionGuardTest {
    private static final Duration REQUEST_TIMEOUT = Duration.ofMillis(1_000);
    private static final Duration IDLE_TIMEOUT = Duration.ofMillis(3_000);
    private static final Duration TRICKLE_EVERY = Duration.ofMillis(200);

    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<Socket> sockets = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    @Test
    void headersTrickledWhenRequestTimeoutPassesThen408AndClosedWhileOthersAreServed(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        Socket slow = connect(port);
        CompletableFuture<String> cut = CompletableFuture.supplyAsync(
                () -> trickle(slow, "GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n", "X-Trickle: 1\r\n"));

        // Served while the slow client trickles, on fresh connections and on the same listener.
        for (int i = 0; i < 3 && !cut.isDone(); i++) {
            assertEquals(200, get(port, "/fast"));
        }

        String answer = cut.get(30, TimeUnit.SECONDS);
        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
        assertTrue(answer.contains("\"error\":\"invalid_request\""), answer);
        assertEquals(-1, slow.getInputStream().read(), "closed after the 408");
        assertEquals(200, get(port, "/fast"));
    }

    @Test
    void bodyTrickledWhenRequestTimeoutPassesThen408AndClosed(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        Socket slow = connect(port);
        CompletableFuture<String> cut = CompletableFuture.supplyAsync(() -> trickle(
                slow,
                "POST /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: text/plain\r\nContent-Length: 100000\r\n\r\n",
                "a"));

        assertEquals(200, get(port, "/fast"));

        String answer = cut.get(30, TimeUnit.SECONDS);
        assertTrue(answer.startsWith("HTTP/1.1 408 "), answer);
    }

    @Test
    void requestsOnKeptAliveConnectionWhenEachArrivesInTimeThenEachServed(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        Socket socket = connect(port);
        OutputStream out = socket.getOutputStream();

        for (int i = 0; i < 3; i++) {
            out.write("GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String answer = readResponse(socket.getInputStream(), "ok");
            assertTrue(answer.startsWith("HTTP/1.1 200 "), answer);
        }
    }

    @Test
    void connectionIdleAfterARequestWhenIdleTimeoutPassesThenClosed(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        Socket socket = connect(port);
        socket.getOutputStream()
                .write("GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        assertTrue(readResponse(socket.getInputStream(), "ok").startsWith("HTTP/1.1 200 "));

        socket.setSoTimeout(30_000);
        assertEquals(-1, socket.getInputStream().read(), "the server closes the idle connection");
    }

    @Test
    void connectionThatNeverSendsWhenRequestTimeoutPassesThenClosedWithoutAnswer(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        Socket socket = connect(port);

        socket.setSoTimeout(30_000);
        assertEquals(-1, socket.getInputStream().read(), "closed, nothing written");
    }

    @Test
    void connectionsOverTheLimitWhenOpenedThenClosedAndServedAgainOnceBelow(Vertx vertx) throws Exception {
        int port = server(vertx, 2);
        Socket first = connect(port);
        Socket second = connect(port);
        // Both count once the server has accepted them: a request on each proves it.
        for (Socket held : List.of(first, second)) {
            held.getOutputStream()
                    .write("GET /fast HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readResponse(held.getInputStream(), "ok").startsWith("HTTP/1.1 200 "));
        }

        Socket third = connect(port);
        third.setSoTimeout(10_000);
        int read;
        try {
            read = third.getInputStream().read();
        } catch (SocketException reset) {
            read = -1;
        }
        assertEquals(-1, read, "the connection over the limit is closed");

        first.close();
        Await.until("a connection is served again", Duration.ofSeconds(10), () -> get(port, "/fast") == 200);
    }

    @Test
    void unsupportedHttpVersionWhenRequestedThen505(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        for (String version : List.of("HTTP/9.9", "HTTP/2.0", "HTTP/0.9")) {
            Socket socket = connect(port);
            socket.getOutputStream()
                    .write(("GET /fast " + version + "\r\nHost: 127.0.0.1\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String answer = readAll(socket.getInputStream());
            assertTrue(answer.startsWith("HTTP/1.1 505 "), version + ": " + answer);
            assertTrue(answer.contains("\"error\":\"invalid_request\""), answer);
        }
    }

    @Test
    void laterHttp1MinorVersionWhenRequestedThenServedAsHttp11(Vertx vertx) throws Exception {
        int port = server(vertx, 100);
        Socket socket = connect(port);
        socket.getOutputStream()
                .write("GET /fast HTTP/1.2\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        assertTrue(readResponse(socket.getInputStream(), "ok").startsWith("HTTP/1.1 200 "));
    }

    private int server(Vertx vertx, int maxConnections) {
        ListenerSettings settings = new ListenerSettings(IDLE_TIMEOUT, REQUEST_TIMEOUT, maxConnections, "127.0.0.1", 0);
        Router router = Router.router(vertx);
        router.get("/fast").handler(ctx -> ctx.response().end("ok"));
        router.post("/echo").handler(BodyHandler.create()).handler(ctx -> ctx.response()
                .end(Integer.toString(ctx.body().length())));
        HttpServer server = new ConnectionGuard(settings, "test")
                .install(vertx.createHttpServer(settings.applyTo(
                        new HttpServerOptions().setHost("127.0.0.1").setPort(0))));
        return Await.result(server.requestHandler(router).listen()).actualPort();
    }

    private Socket connect(int port) throws IOException {
        Socket socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(30_000);
        sockets.add(socket);
        return socket;
    }

    private int get(int port, String path) {
        try {
            return http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                                    .timeout(Duration.ofSeconds(5))
                                    .build(),
                            HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /**
     * Writes {@code head}, then {@code piece} each time {@link #TRICKLE_EVERY} passes without an answer, until the
     * server answers or closes; returns the answer. Reading before each write keeps the client from writing into a
     * connection the server has just closed (a reset would discard the answer).
     */
    private static String trickle(Socket socket, String head, String piece) {
        try {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            socket.setSoTimeout(Math.toIntExact(TRICKLE_EVERY.toMillis()));
            long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < end) {
                int first;
                try {
                    first = in.read();
                } catch (SocketTimeoutException quiet) {
                    out.write(piece.getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                socket.setSoTimeout(30_000);
                return first == -1 ? "" : (char) first + readAll(in);
            }
            return "still open after 30 s";
        } catch (IOException e) {
            return "failed: " + e;
        }
    }

    /** Everything until the server closes (or resets) the connection. */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        try {
            int n;
            while ((n = in.read(buffer)) != -1) {
                all.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // A reset after the answer: what arrived is the answer.
        }
        return all.toString(StandardCharsets.US_ASCII);
    }

    /** One response whose body ends with {@code bodyEnd}, leaving the connection open. */
    private static String readResponse(InputStream in, String bodyEnd) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b == -1) {
                return all.toString(StandardCharsets.US_ASCII);
            }
            all.write(b);
            String text = all.toString(StandardCharsets.US_ASCII);
            if (text.contains("\r\n\r\n") && text.endsWith(bodyEnd)) {
                return text;
            }
        }
    }
}
