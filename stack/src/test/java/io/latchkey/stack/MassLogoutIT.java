package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.common.config.DevValues;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.ServiceProcess;
import io.latchkey.db.DatabaseSettings;
import io.latchkey.db.test.TestPostgres;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 22's mass revocation across processes: key-service, auth-server and resource-demo each a JVM of their own on
 * one PostgreSQL. A client with {@value #SESSIONS} open sessions, each holding an access token auth-server issued
 * over HTTP (one refresh per session), is disabled through the admin API; auth-server is killed with SIGKILL once
 * its logout job has committed a batch and before it finishes, and restarted on the same database. The restarted
 * process finishes the job: every {@code sid} is on {@code GET /revocations}, no session is left open, the job
 * counts each session once, and resource-demo refuses every one of the access tokens.
 */
class MassLogoutIT {
    private static final int SESSIONS = 20_000;
    /** Small batches: 100 transactions, so there is time to kill auth-server between the first and the last. */
    private static final int BATCH = 200;

    private static final int IN_FLIGHT = 16;
    private static final String CLIENT = "mass-app";
    private static final Duration READY = Duration.ofSeconds(90);
    private static final Duration JOB_DEADLINE = Duration.ofSeconds(60);
    private static final JsonObject REVOKED =
            new JsonObject().put("error", "invalid_token").put("error_description", "the access token was revoked");
    private static final LoopbackHttp HTTP = new LoopbackHttp();

    @TempDir
    static Path dir;

    private static DatabaseSettings database;
    private static Replica keys;
    private static Replica auth;
    private static Replica demo;
    private static final List<Replica> STARTED = new ArrayList<>();
    private static Map<String, String> authEnv;
    private static String jwks;
    private static String keysInternal;
    private static int authPort;

    @RegisterExtension
    static final TestWatcher LOGS_ON_FAILURE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            STARTED.forEach(replica -> System.out.println(replica.process().logTail()));
        }
    };

    @BeforeAll
    static void start() throws Exception {
        database = TestPostgres.get().createDatabase();
        int[] ports = ServiceProcess.freePorts(5);
        String issuer = "http://127.0.0.1:" + ports[1];
        keysInternal = "http://127.0.0.1:" + ports[2];
        authPort = ports[1];
        Map<String, String> common = new HashMap<>();
        common.put("LATCHKEY_DEV_MODE", "true");
        common.put("LATCHKEY_HOST", "127.0.0.1");
        common.put("LATCHKEY_DB_URL", database.url());
        common.put("LATCHKEY_ISSUER", issuer);
        common.put("LATCHKEY_INTERNAL_SECRET", DevValues.INTERNAL_SECRET);
        keys = started(
                ReplicatedStack.keyService("key-service", ports[0], ports[2], ReplicatedStack.newKek(), common, dir));
        jwks = keys.url() + "/.well-known/jwks.json";
        authEnv = new HashMap<>(common);
        authEnv.put("LATCHKEY_LOGOUT_BATCH_SIZE", Integer.toString(BATCH));
        auth = startAuthServer("auth-server");
        keys.awaitReady(READY);
        seed();
        demo = started(ReplicatedStack.resourceDemo("resource-demo", ports[3], List.of(auth), common, dir));
        demo.awaitReady(READY);
    }

    @AfterAll
    static void stop() {
        STARTED.forEach(replica -> replica.process().close());
        if (database != null) {
            TestPostgres.get().dropDatabase(database);
        }
    }

    @Test
    void disableWhenAuthServerIsKilledHalfWayThroughTheJobThenTheRestartedOneFinishesAndEveryTokenIsRefused()
            throws Exception {
        long started = System.nanoTime();
        UUID user = createUser();
        List<String> refreshTokens = insertSessions(user);
        log(SESSIONS + " sessions inserted", started);

        long refreshing = System.nanoTime();
        List<String> accessTokens = inParallel(SESSIONS, i -> refresh(refreshTokens.get(i)));
        log(SESSIONS + " access tokens issued over HTTP (one refresh each)", refreshing);
        for (int i = 0; i < SESSIONS; i += SESSIONS / 20) {
            HttpResponse<String> me = HTTP.get(demo.url() + "/api/me", accessTokens.get(i));
            assertEquals(200, me.statusCode(), "before the disable: " + me.body());
        }

        long disabling = System.nanoTime();
        String admin = adminToken();
        HttpResponse<String> disabled = HTTP.post(auth.url() + "/admin/clients/" + CLIENT + "/disable", admin);
        assertEquals(204, disabled.statusCode(), disabled.body());
        log("disable answered (first batch ended in the request)", disabling);
        String jobId = runningJob(admin).getString("id");

        // Kill once the job itself has committed a batch (its count is past the request's) and has not finished.
        AtomicReference<JsonObject> seen = new AtomicReference<>();
        Await.until("the job commits a batch of its own", JOB_DEADLINE, () -> {
            JsonObject job = job(admin, jobId);
            seen.set(job);
            return job.getLong("sessions_ended") > BATCH || "finished".equals(job.getString("status"));
        });
        assertEquals("running", seen.get().getString("status"), "too late to kill half-way: " + seen.get());
        auth.process().kill();
        assertTrue(auth.process().waitFor(Duration.ofSeconds(10)), "auth-server did not die");
        JsonObject atKill = readJob(UUID.fromString(jobId));
        log("auth-server killed with the job at " + atKill.getLong("ended_count") + " sessions", disabling);
        assertTrue(atKill.getValue("finished_at") == null, "the job was not finished at the kill: " + atKill);
        assertTrue(atKill.getLong("ended_count") < SESSIONS, "the job was half-way at the kill: " + atKill);

        long restarting = System.nanoTime();
        auth = startAuthServer("auth-server-restarted");
        Await.until("the restarted auth-server finishes the job", JOB_DEADLINE, () -> "finished"
                .equals(job(admin, jobId).getString("status")));
        log("restarted auth-server finished the job", restarting);

        JsonObject finished = job(admin, jobId);
        assertEquals(SESSIONS, finished.getLong("sessions_ended"), "each session counted once: " + finished);
        assertEquals(0, openSessions(), "no session of the client left open");
        // The trail: the request's row names the job and counts its own batch; the job's one finished row (the kill
        // and the restart wrote no second) counts the whole.
        assertEquals(
                List.of(
                        "admin_client_disabled " + BATCH + " " + jobId,
                        "logout_job_finished " + SESSIONS + " " + jobId),
                auditRows());
        Set<String> listed = listedSids();
        List<String> missing =
                sessionIds().stream().filter(id -> !listed.contains(id)).toList();
        assertTrue(missing.isEmpty(), () -> missing.size() + " sids not on GET /revocations, e.g. " + missing.get(0));

        // resource-demo follows the restarted auth-server's feed: once it refuses the token of the session ended
        // last, it has every entry before it; then every token is checked.
        long checking = System.nanoTime();
        String last = accessTokens.get(refreshTokens.indexOf(lastEndedRefreshToken(refreshTokens)));
        Await.until(
                "resource-demo refuses the last session's token",
                Duration.ofSeconds(30),
                () -> LoopbackHttp.unchecked(() -> HTTP.get(demo.url() + "/api/me", last))
                                .statusCode()
                        == 401);
        List<String> answers = inParallel(SESSIONS, i -> {
            HttpResponse<String> me = HTTP.get(demo.url() + "/api/me", accessTokens.get(i));
            return me.statusCode() == 401 && REVOKED.equals(new JsonObject(me.body()))
                    ? ""
                    : me.statusCode() + " " + me.body();
        });
        List<String> accepted = answers.stream().filter(a -> !a.isEmpty()).toList();
        assertTrue(accepted.isEmpty(), () -> accepted.size() + " tokens not refused, e.g. " + accepted.get(0));
        log(SESSIONS + " tokens refused by resource-demo", checking);
        log("whole test", started);
    }

    private static Replica started(Replica replica) {
        STARTED.add(replica);
        return replica;
    }

    private static Replica startAuthServer(String name) {
        Replica started =
                started(ReplicatedStack.authServer(name, authPort, List.of(keysInternal), jwks, authEnv, dir));
        started.awaitReady(READY);
        return started;
    }

    /** The resource-demo's feed client and the public client whose sessions the test ends. */
    private static void seed() throws Exception {
        String admin = adminToken();
        created(HTTP.postJson(
                auth.url() + "/admin/clients",
                admin,
                new JsonObject()
                        .put("client_id", CLIENT)
                        .put("token_endpoint_auth_method", "none")
                        .put("grant_types", new JsonArray(List.of("password", "refresh_token")))
                        .put("scopes", new JsonArray(List.of("notes:read")))
                        .put("audience", "resource-demo")));
        HTTP.registerFeedClient(auth.url(), admin);
    }

    private static UUID createUser() throws Exception {
        HttpResponse<String> user = HTTP.postJson(
                auth.url() + "/admin/users",
                adminToken(),
                new JsonObject().put("username", "mass").put("password", "mass-logout-password-1"));
        created(user);
        return UUID.fromString(new JsonObject(user.body()).getString("id"));
    }

    private static String adminToken() throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth.url() + "/oauth2/token",
                LoopbackHttp.basic("admin-cli", DevValues.ADMIN_CLIENT_SECRET),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, token.statusCode(), token.body());
        return new JsonObject(token.body()).getString("access_token");
    }

    private static void created(HttpResponse<String> response) {
        assertEquals(201, response.statusCode(), response.body());
    }

    /**
     * The sessions as logins would leave them, in the real schema, each with a refresh token of which only the
     * SHA-256 is stored (the server's own {@link RefreshTokens#hash}); returns the tokens in insertion order.
     */
    private static List<String> insertSessions(UUID user) throws Exception {
        List<String> tokens = new ArrayList<>(SESSIONS);
        String[] ids = new String[SESSIONS];
        String[] hashes = new String[SESSIONS];
        for (int i = 0; i < SESSIONS; i++) {
            String token = RefreshTokens.generate();
            tokens.add(token);
            ids[i] = UUID.randomUUID().toString();
            hashes[i] = HexFormat.of().formatHex(RefreshTokens.hash(token));
        }
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (PreparedStatement sessions = c.prepareStatement("INSERT INTO sessions"
                            + " (id, user_id, client_id, scope, auth_time, expires_at)"
                            + " SELECT id, ?, ?, 'notes:read', extract(epoch FROM now())::bigint,"
                            + " now() + interval '1 day' FROM unnest(?::uuid[]) AS id");
                    PreparedStatement clients = c.prepareStatement("INSERT INTO session_clients (session_id, client_id)"
                            + " SELECT id, ? FROM unnest(?::uuid[]) AS id");
                    PreparedStatement refresh = c.prepareStatement("INSERT INTO refresh_tokens"
                            + " (token_hash, session_id, client_id, scope, expires_at)"
                            + " SELECT decode(t.hash, 'hex'), t.id, ?, 'notes:read', now() + interval '1 day'"
                            + " FROM unnest(?::uuid[], ?::text[]) AS t (id, hash)")) {
                sessions.setObject(1, user);
                sessions.setString(2, CLIENT);
                sessions.setArray(3, c.createArrayOf("uuid", ids));
                sessions.executeUpdate();
                clients.setString(1, CLIENT);
                clients.setArray(2, c.createArrayOf("uuid", ids));
                clients.executeUpdate();
                refresh.setString(1, CLIENT);
                refresh.setArray(2, c.createArrayOf("uuid", ids));
                refresh.setArray(3, c.createArrayOf("text", hashes));
                refresh.executeUpdate();
            }
            c.commit();
        }
        return tokens;
    }

    /** One refresh over HTTP; returns the access token it issued. */
    private static String refresh(String refreshToken) throws Exception {
        HttpResponse<String> token = HTTP.form(
                auth.url() + "/oauth2/token",
                null,
                Map.of("grant_type", "refresh_token", "refresh_token", refreshToken, "client_id", CLIENT));
        assertEquals(200, token.statusCode(), token.body());
        return new JsonObject(token.body()).getString("access_token");
    }

    /** {@code count} calls, {@value #IN_FLIGHT} at a time; their results in index order. */
    private static List<String> inParallel(int count, IndexedCall call) throws Exception {
        ExecutorService workers = Executors.newFixedThreadPool(IN_FLIGHT);
        try {
            List<Future<String>> results = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                int index = i;
                results.add(workers.submit(() -> call.run(index)));
            }
            List<String> out = new ArrayList<>(count);
            for (Future<String> result : results) {
                out.add(result.get());
            }
            return out;
        } finally {
            workers.shutdownNow();
        }
    }

    /** A call of {@link #inParallel} for one index. */
    @FunctionalInterface
    private interface IndexedCall {
        String run(int index) throws Exception;
    }

    private static JsonObject runningJob(String admin) throws Exception {
        HttpResponse<String> list = HTTP.get(auth.url() + "/admin/logout-jobs", admin);
        assertEquals(200, list.statusCode(), list.body());
        JsonArray items = new JsonObject(list.body()).getJsonArray("items");
        assertEquals(1, items.size(), "one job recorded by the disable: " + list.body());
        JsonObject job = items.getJsonObject(0);
        assertEquals(CLIENT, job.getString("client_id"));
        return job;
    }

    private static JsonObject job(String admin, String id) {
        HttpResponse<String> job =
                LoopbackHttp.unchecked(() -> HTTP.get(auth.url() + "/admin/logout-jobs/" + id, admin));
        assertEquals(200, job.statusCode(), job.body());
        return new JsonObject(job.body());
    }

    /** The job's row as the killed process left it. */
    private static JsonObject readJob(UUID id) throws Exception {
        try (Connection c = connect();
                PreparedStatement s =
                        c.prepareStatement("SELECT ended_count, finished_at FROM logout_jobs WHERE id = ?")) {
            s.setObject(1, id);
            try (ResultSet rows = s.executeQuery()) {
                assertTrue(rows.next());
                return new JsonObject()
                        .put("ended_count", rows.getLong(1))
                        .put("finished_at", rows.getObject(2) == null ? null : rows.getString(2));
            }
        }
    }

    /** The mass logout's audit rows, oldest first: event, sessions_ended and logout_job_id. */
    private static List<String> auditRows() throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("SELECT event, detail->>'sessions_ended',"
                        + " detail->>'logout_job_id' FROM audit_events"
                        + " WHERE event IN ('admin_client_disabled', 'logout_job_finished') ORDER BY id")) {
            try (ResultSet result = s.executeQuery()) {
                while (result.next()) {
                    rows.add(result.getString(1) + " " + result.getString(2) + " " + result.getString(3));
                }
            }
        }
        return rows;
    }

    private static long openSessions() throws Exception {
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("SELECT count(*) FROM sessions s JOIN session_clients sc"
                        + " ON sc.session_id = s.id WHERE sc.client_id = ? AND s.ended_at IS NULL")) {
            s.setString(1, CLIENT);
            try (ResultSet rows = s.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        }
    }

    private static List<String> sessionIds() throws Exception {
        List<String> ids = new ArrayList<>();
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("SELECT id::text FROM sessions WHERE client_id = ?")) {
            s.setString(1, CLIENT);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    ids.add(rows.getString(1));
                }
            }
        }
        assertEquals(SESSIONS, ids.size());
        return ids;
    }

    /** Of the given refresh tokens, the one whose session ended last. */
    private static String lastEndedRefreshToken(List<String> refreshTokens) throws Exception {
        Map<String, String> byHash = new HashMap<>();
        for (String token : refreshTokens) {
            byHash.put(HexFormat.of().formatHex(RefreshTokens.hash(token)), token);
        }
        try (Connection c = connect();
                PreparedStatement s = c.prepareStatement("SELECT encode(r.token_hash, 'hex') FROM refresh_tokens r"
                        + " JOIN sessions s ON s.id = r.session_id WHERE s.client_id = ?"
                        + " ORDER BY s.ended_at DESC LIMIT 200")) {
            s.setString(1, CLIENT);
            try (ResultSet rows = s.executeQuery()) {
                while (rows.next()) {
                    String token = byHash.get(rows.getString(1));
                    if (token != null) {
                        return token;
                    }
                }
            }
        }
        throw new AssertionError("no refresh token of an ended session");
    }

    /** Every sid entry of the feed's snapshot, read as resource-demo reads it. */
    private static Set<String> listedSids() throws Exception {
        HttpResponse<String> list = HTTP.getBasic(
                auth.url() + "/revocations", LoopbackHttp.basic("resource-demo", DevValues.RESOURCE_DEMO_SECRET));
        assertEquals(200, list.statusCode(), list.body());
        Set<String> sids = new HashSet<>();
        new JsonObject(list.body()).getJsonArray("entries").forEach(entry -> {
            JsonObject e = (JsonObject) entry;
            if ("sid".equals(e.getString("type"))) {
                sids.add(e.getString("value"));
            }
        });
        return sids;
    }

    private static Connection connect() throws Exception {
        return DriverManager.getConnection(database.jdbcUrl(), database.jdbcProperties());
    }

    private static void log(String what, long sinceNanos) {
        System.out.printf("[mass-logout] %s: %d ms%n", what, (System.nanoTime() - sinceNanos) / 1_000_000);
    }
}
