package io.latchkey.auth.ops;

import static io.latchkey.auth.test.AccessTokens.claims;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.JWTClaimsSet;
import io.latchkey.auth.AuthServerMain;
import io.latchkey.auth.test.AccessTokens;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestStack;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Back-Channel Logout across a crash, with auth-server as real processes on one database and a real key-service: a
 * logout made while the app's endpoint is down answers 204 at once and leaves its delivery in the outbox; an
 * attempt in flight when the process is killed with SIGKILL holds its row only for the lease; a new process on the
 * same database delivers both, once each, with the {@code jti} every attempt of a row shares.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#BCActions">Back-Channel Logout 1.0
 *     §2.5</a>
 */
class BackchannelCrashTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final String APP = "crash-app";
    static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    static Vertx vertx;
    static Pool pool;
    static KeyServiceVerticle keyService;
    static AppEndpoint app;
    private ServiceProcess first;
    private ServiceProcess second;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        keyService = new KeyServiceVerticle(
                KeyServiceConfig.from(new Env(TestStack.keyServiceEnv(db.url(), TestAuthServer.ISSUER))));
        Await.result(vertx.deployVerticle(keyService));
        pool = db.pool(vertx);
        app = AppEndpoint.start(vertx);
        TestClients.publicClient(APP).backchannel(app.uri()).insert(pool);
        TestUsers.insert(pool, "ada", "ada-password-1");
    }

    @AfterAll
    static void stop() {
        app.close();
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @AfterEach
    void kill() {
        for (ServiceProcess process : new ServiceProcess[] {first, second}) {
            if (process != null) {
                process.close();
            }
        }
    }

    @Test
    void logoutWhenAppDownAndProcessKilledThenANewProcessDeliversEachLogoutTokenOnce() throws Exception {
        int firstPort = ServiceProcess.freePort();
        first = authServer("auth-server-1", firstPort);
        first.awaitReady(firstPort, DEADLINE);
        WebClient client = WebClient.create(vertx);
        String down = login(client, firstPort);
        String held = login(client, firstPort);
        String downSid = claims(down).getString("sid");
        String heldSid = claims(held).getString("sid");

        // The app is down: it answers 503 to every logout token.
        app.answers.put(downSid, Answer.UNAVAILABLE);
        assertEquals(204, logout(client, firstPort, down).statusCode());
        Row atResponse = delivery(downSid);
        assertTrue(atResponse.getBoolean("pending"), "the logout answered before any delivery");
        Await.until("a failed attempt recorded by the first process", DEADLINE, () -> "HTTP 503"
                .equals(delivery(downSid).getString("last_error")));

        // The app takes this session's token and never answers: the first process dies mid-attempt.
        app.answers.put(heldSid, Answer.HOLD);
        assertEquals(204, logout(client, firstPort, held).statusCode());
        Row heldAtResponse = delivery(heldSid);
        assertTrue(heldAtResponse.getBoolean("pending"), "the logout answered before any delivery");
        assertNull(heldAtResponse.getString("last_error"), "no attempt had finished at the 204");
        Await.until(
                "the first process's attempt held by the app",
                DEADLINE,
                () -> app.sent(heldSid).size() == 1);
        first.kill();

        Row leased = delivery(heldSid);
        assertEquals(1, leased.getInteger("attempts"));
        assertTrue(leased.getBoolean("pending"));
        assertTrue(leased.getBoolean("leased"), "the dead process's claim holds the row for the lease");
        long downAttempts = delivery(downSid).getInteger("attempts");
        assertTrue(downAttempts >= 1);

        // The lease runs out (30 s in production; moved here rather than waited for), the app comes back, and
        // a new process starts on the same database.
        Sql.rows(
                pool,
                "UPDATE backchannel_deliveries SET next_attempt_at = now() - interval '1 second'"
                        + " WHERE session_id = $1::uuid AND client_id = $2",
                heldSid,
                APP);
        app.answers.clear();
        int secondPort = ServiceProcess.freePort();
        second = authServer("auth-server-2", secondPort);
        second.awaitReady(secondPort, DEADLINE);
        Await.until(
                "both deliveries done by the new process",
                DEADLINE,
                () -> !delivery(downSid).getBoolean("pending")
                        && !delivery(heldSid).getBoolean("pending"));

        for (String sid : List.of(downSid, heldSid)) {
            List<String> accepted = app.accepted(sid);
            assertEquals(1, accepted.size(), "exactly one logout token accepted for (" + sid + ", " + APP + ")");
            JWTClaimsSet token = AccessTokens.verifyTyped(
                    accepted.get(0), "logout+jwt", jwksUrl(), APP, Set.of("iat", "exp", "jti", "sid", "sub", "events"));
            assertEquals(sid, token.getStringClaim("sid"));
            assertEquals(claims(sid.equals(downSid) ? down : held).getString("sub"), token.getSubject());
            Row row = delivery(sid);
            assertEquals(row.getString("jti"), token.getJWTID(), "every attempt of a row carries its jti");
            for (String sent : app.sent(sid)) {
                assertEquals(token.getJWTID(), claims(sent).getString("jti"));
            }
        }
        assertEquals(2, delivery(heldSid).getInteger("attempts"), "the dead claim and the new process's one");
        assertTrue(delivery(downSid).getInteger("attempts") > downAttempts);
        assertEquals(2, Sql.count(pool, "SELECT count(*) FROM backchannel_deliveries WHERE delivered_at IS NOT NULL"));
        client.close();
    }

    private static String login(WebClient client, int port) {
        HttpResponse<Buffer> response = Await.result(client.post(port, "127.0.0.1", "/oauth2/token")
                .putHeader("Content-Type", "application/x-www-form-urlencoded")
                .sendBuffer(Buffer.buffer(
                        "grant_type=password&client_id=" + APP + "&username=ada&password=ada-password-1")));
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getString("access_token");
    }

    private static HttpResponse<Buffer> logout(WebClient client, int port, String accessToken) {
        return Await.result(client.post(port, "127.0.0.1", "/logout")
                .putHeader("Authorization", "Bearer " + accessToken)
                .send());
    }

    /** The delivery row of (sid, app): pending (neither delivered nor abandoned), leased (due beyond a retry). */
    private static Row delivery(String sid) {
        return Sql.rows(
                        pool,
                        "SELECT attempts, jti, last_error,"
                                + " delivered_at IS NULL AND abandoned_at IS NULL AS pending,"
                                + " next_attempt_at > now() + interval '20 seconds' AS leased"
                                + " FROM backchannel_deliveries WHERE session_id = $1::uuid AND client_id = $2",
                        sid,
                        APP)
                .get(0);
    }

    private static String jwksUrl() {
        return "http://127.0.0.1:" + keyService.publicPort() + "/.well-known/jwks.json";
    }

    /** auth-server from its {@code main}, signing through the test's key-service. */
    private ServiceProcess authServer(String name, int port) {
        return ServiceProcess.main(name, AuthServerMain.class.getName())
                .env(TestAuthServer.env(db))
                .env("LATCHKEY_PORT", Integer.toString(port))
                .env("LATCHKEY_EVENT_LOOPS", "1")
                .env("LATCHKEY_KEY_SERVICE_URL", "http://127.0.0.1:" + keyService.internalPort())
                .directory(dir)
                .log(dir.resolve(name + ".log"))
                .start();
    }

    enum Answer {
        OK,
        UNAVAILABLE,
        /** Reads the token and never answers: an app that hangs, or a replica that dies while waiting on it. */
        HOLD
    }

    /** The app's back-channel logout endpoint, answering each session's tokens as the test says (200 otherwise). */
    private static final class AppEndpoint implements AutoCloseable {
        final Map<String, Answer> answers = new ConcurrentHashMap<>();
        private final List<String[]> requests = new CopyOnWriteArrayList<>();
        private final HttpServer server;

        private AppEndpoint(HttpServer server) {
            this.server = server;
        }

        static AppEndpoint start(Vertx vertx) {
            AppEndpoint[] self = new AppEndpoint[1];
            HttpServer server = vertx.createHttpServer()
                    .requestHandler(request -> request.body().onSuccess(body -> {
                        String token = "";
                        for (String pair : body.toString(StandardCharsets.UTF_8).split("&")) {
                            if (pair.startsWith("logout_token=")) {
                                token = URLDecoder.decode(pair.substring(13), StandardCharsets.UTF_8);
                            }
                        }
                        String sid = claims(token).getString("sid");
                        Answer answer = self[0].answers.getOrDefault(sid, Answer.OK);
                        self[0].requests.add(new String[] {sid, token, answer.name()});
                        switch (answer) {
                            case OK -> request.response().setStatusCode(200).end();
                            case UNAVAILABLE ->
                                request.response().setStatusCode(503).end();
                            case HOLD -> {}
                        }
                    }));
            self[0] = new AppEndpoint(server);
            Await.result(server.listen(0, "127.0.0.1"));
            return self[0];
        }

        String uri() {
            return "http://127.0.0.1:" + server.actualPort() + "/backchannel-logout";
        }

        /** Every token sent for {@code sid}, whatever the answer. */
        List<String> sent(String sid) {
            return requests.stream()
                    .filter(r -> r[0].equals(sid))
                    .map(r -> r[1])
                    .toList();
        }

        /** The tokens for {@code sid} answered 200. */
        List<String> accepted(String sid) {
            return requests.stream()
                    .filter(r -> r[0].equals(sid) && r[2].equals(Answer.OK.name()))
                    .map(r -> r[1])
                    .toList();
        }

        @Override
        public void close() {
            Await.result(server.close());
        }
    }
}
