package io.latchkey.auth.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.AuthServerVerticle;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestStack;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every listener of key-service and auth-server (public, internal, management) is bounded: a request whose headers
 * stop half-way is answered 408 and cut at {@code LATCHKEY_HTTP_REQUEST_TIMEOUT} (1 s here) while the same listener
 * serves other requests, and {@code HTTP/9.9} is answered 505.
 */
class ListenerBoundsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static WebClient client;
    static KeyServiceVerticle keys;
    static AuthServerVerticle auth;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        client = WebClient.create(vertx);
        Map<String, String> keyEnv = TestStack.keyServiceEnv(db.url(), TestAuthServer.ISSUER);
        keyEnv.put("LATCHKEY_HTTP_REQUEST_TIMEOUT", "1s");
        keys = new KeyServiceVerticle(KeyServiceConfig.from(new Env(keyEnv)));
        Await.result(vertx.deployVerticle(keys));
        Map<String, String> env = TestAuthServer.env(db);
        env.put("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keys.internalPort());
        env.put("LATCHKEY_HTTP_REQUEST_TIMEOUT", "1s");
        auth = new AuthServerVerticle(AuthServerConfig.from(new Env(env)));
        Await.result(vertx.deployVerticle(auth));
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    private static int[] ports() {
        return new int[] {
            auth.port(), auth.managementPort(), keys.publicPort(), keys.internalPort(), keys.managementPort()
        };
    }

    @Test
    void headersStoppedHalfWayWhenRequestTimeoutPassesThen408OnEveryListenerWhileOthersAreServed() throws Exception {
        for (int port : ports()) {
            try (Socket slow = new Socket("127.0.0.1", port)) {
                slow.setSoTimeout(30_000);
                slow.getOutputStream()
                        .write("GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: "
                                .getBytes(StandardCharsets.US_ASCII));
                slow.getOutputStream().flush();

                assertEquals(
                        200,
                        Await.result(client.get(port, "127.0.0.1", "/health/live")
                                        .send())
                                .statusCode(),
                        "served beside the slow client on " + port);
                String answer = readAll(slow.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 408 "), port + ": " + answer);
            }
        }
    }

    @Test
    void unsupportedHttpVersionWhenRequestedThen505OnEveryListener() throws Exception {
        for (int port : ports()) {
            try (Socket socket = new Socket("127.0.0.1", port)) {
                socket.setSoTimeout(30_000);
                socket.getOutputStream()
                        .write("GET /health/live HTTP/9.9\r\nHost: 127.0.0.1\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                String answer = readAll(socket.getInputStream());
                assertTrue(answer.startsWith("HTTP/1.1 505 "), port + ": " + answer);
            }
        }
    }

    /** Everything until the server closes the connection. */
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
}
