package io.latchkey.auth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.audit.PgAuditRepository;
import io.latchkey.auth.backchannel.PgBackchannelOutbox;
import io.latchkey.auth.client.PgClientRepository;
import io.latchkey.auth.feed.PgRevocationRepository;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.auth.user.PgUserRepository;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Transactions;
import io.latchkey.db.test.PostgresExtension;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Mass logout in the background: tens of thousands of sessions ended by one job, batch by batch, every sid listed
 * exactly once, and a job whose replica is stopped half-way finished by another with nothing lost or repeated.
 */
class LogoutJobRunnerTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final int SESSIONS = 20_000;
    static final Duration DEADLINE = Duration.ofSeconds(120);
    static final LogoutJobRepository jobs = new PgLogoutJobRepository();
    static Vertx vertx;
    static Pool pool;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        TestClients.publicClient("mass-app").insert(pool);
        TestClients.publicClient("other-app").insert(pool);
    }

    @AfterAll
    static void stop() {
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    static SessionTerminator terminator(Pool on, AuthMetrics metrics, int batch) {
        return new SessionTerminator(
                new PgSessionRepository(),
                new PgUserRepository(on),
                new PgClientRepository(on),
                new PgRevocationRepository(on),
                Duration.ofSeconds(300),
                Clock.systemUTC(),
                metrics,
                new PgBackchannelOutbox(),
                jobs,
                batch);
    }

    static LogoutJobRunner runner(Vertx on, Pool onPool, SessionTerminator terminator, int batch, AuthMetrics metrics) {
        return new LogoutJobRunner(on, onPool, jobs, terminator, new PgAuditRepository(), batch, 50, metrics);
    }

    /** The job's one {@code logout_job_finished} audit row counts the whole mass logout. */
    static void assertFinishedAuditRow(UUID job, long sessionsEnded) {
        List<io.vertx.sqlclient.Row> rows = Sql.rows(
                pool,
                "SELECT client_id, detail FROM audit_events WHERE event = 'logout_job_finished'"
                        + " AND detail->>'logout_job_id' = $1",
                job.toString());
        assertEquals(1, rows.size(), "one finished row per job");
        assertEquals(sessionsEnded, rows.get(0).getJsonObject("detail").getLong("sessions_ended"));
        assertNull(rows.get(0).getString("client_id"), "no acting client: the job ran in the background");
    }

    /** {@code count} open sessions of {@code user} that {@code client} received tokens in, in two statements. */
    static void insertSessions(UUID user, String client, int count) {
        Sql.rows(
                pool,
                "WITH opened AS (INSERT INTO sessions (user_id, client_id, scope, auth_time, expires_at)"
                        + " SELECT $1, $2, '', 0, now() + interval '1 day' FROM generate_series(1, $3)"
                        + " RETURNING id, client_id)"
                        + " INSERT INTO session_clients (session_id, client_id) SELECT id, client_id FROM opened",
                user,
                client,
                count);
    }

    static LogoutJob onlyJobOf(String target) {
        List<io.vertx.sqlclient.Row> rows = Sql.rows(pool, "SELECT id FROM logout_jobs WHERE target = $1", target);
        assertEquals(1, rows.size(), "one job for " + target);
        return Await.result(jobs.find(pool, rows.get(0).getUUID("id"))).orElseThrow();
    }

    static long endedCount(UUID job) {
        return Await.result(jobs.find(pool, job)).orElseThrow().endedCount();
    }

    static boolean finished(UUID job) {
        return Await.result(jobs.find(pool, job)).orElseThrow().finishedAt().isPresent();
    }

    /** Every ended session of the user has exactly one sid entry, and no sid is listed twice. */
    static void assertEverySidListedOnce(UUID user, long expected) {
        assertEquals(
                expected,
                Sql.count(pool, "SELECT count(*) FROM sessions WHERE user_id = $1 AND ended_at IS NOT NULL", user));
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions s WHERE s.user_id = $1 AND s.ended_at IS NOT NULL"
                                + " AND NOT EXISTS (SELECT 1 FROM revocations r WHERE r.type = 'sid'"
                                + " AND r.value = s.id::text)",
                        user),
                "ended sessions missing from the revocation list");
        assertEquals(
                0,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM (SELECT value FROM revocations WHERE type = 'sid'"
                                + " GROUP BY value HAVING count(*) > 1) twice"),
                "sids listed twice");
    }

    /** A refresh token of {@code session}, for {@code client}, valid for a day; returns its hash. */
    static byte[] insertRefreshToken(UUID session, String client) {
        byte[] hash = RefreshTokens.hash(RefreshTokens.generate());
        Sql.rows(
                pool,
                "INSERT INTO refresh_tokens (token_hash, session_id, client_id, scope, expires_at)"
                        + " VALUES ($1, $2, $3, '', now() + interval '1 day')",
                io.vertx.core.buffer.Buffer.buffer(hash),
                session,
                client);
        return hash;
    }

    @Test
    void refreshWhenAnUnfinishedJobCoversItsSessionThenItReadsAsEndedAndDoesNotRotate() {
        TestClients.publicClient("covered-app").insert(pool);
        UUID user = TestUsers.insert(pool, "covered-user", "covered-user-password-1");
        insertSessions(user, "covered-app", 3);
        SessionTerminator terminator = terminator(pool, new AuthMetrics(), 1);
        // A password change of a user with more sessions than one batch: one ends now, a job (not run here) has the
        // rest.
        Await.result(Transactions.run(pool, sql -> terminator.endUser(sql, user, "password_changed")));
        UUID covered = UUID.fromString(Sql.string(
                pool, "SELECT id::text FROM sessions WHERE user_id = $1 AND ended_at IS NULL LIMIT 1", user));
        insertSessions(user, "covered-app", 1);
        UUID later = UUID.fromString(Sql.string(
                pool,
                "SELECT id::text FROM sessions WHERE user_id = $1 AND ended_at IS NULL ORDER BY created_at DESC LIMIT 1",
                user));
        byte[] coveredToken = insertRefreshToken(covered, "covered-app");
        byte[] laterToken = insertRefreshToken(later, "covered-app");
        var sessions = new PgSessionRepository();

        assertTrue(Await.result(sessions.findByRefreshToken(pool, coveredToken))
                .orElseThrow()
                .sessionEnded());
        assertFalse(Await.result(sessions.findByRefreshToken(pool, laterToken))
                .orElseThrow()
                .sessionEnded());
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        long iat = now.toEpochSecond() + 5;
        RefreshAttempt refused = Await.result(Transactions.run(
                        pool,
                        sql -> sessions.rotate(
                                sql, coveredToken, "covered-app", now, iat, RefreshTokens.hash("a"), now.plusDays(1))))
                .orElseThrow();
        assertFalse(refused.rotated(), "a session the job will end gives no successor");
        RefreshAttempt rotated = Await.result(Transactions.run(
                        pool,
                        sql -> sessions.rotate(
                                sql, laterToken, "covered-app", now, iat, RefreshTokens.hash("b"), now.plusDays(1))))
                .orElseThrow();
        assertTrue(rotated.rotated(), "a session opened after the request is not the job's");
    }

    @Test
    void disableClientWhenTwentyThousandSessionsThenFirstBatchInRequestAndJobEndsRestWithEverySidListed() {
        UUID user = TestUsers.insert(pool, "mass-client-user", "mass-client-password-1");
        insertSessions(user, "mass-app", SESSIONS);
        var registry = new SimpleMeterRegistry();
        var metrics = new AuthMetrics(registry);
        SessionTerminator terminator = terminator(pool, metrics, 1000);

        SessionsEnded inline =
                Await.result(Transactions.run(pool, sql -> terminator.endClient(sql, "mass-app", "client_disabled")));
        assertEquals(1000, inline.count());
        LogoutJob job = onlyJobOf("mass-app");
        assertEquals(Optional.of(job.id()), inline.logoutJob());
        assertTrue(job.finishedAt().isEmpty());
        assertEquals(1000, job.endedCount(), "the job's count starts at the request's batch");
        assertEquals(Optional.of(inline.ended().get(999)), job.afterSession(), "its cursor at that batch's last id");
        // A session opened after the request is not the job's: only those the request saw end.
        insertSessions(user, "mass-app", 1);

        var runner = runner(vertx, pool, terminator, 1000, metrics);
        runner.start();
        try {
            Await.until("the job finishes", DEADLINE, () -> finished(job.id()));
        } finally {
            runner.stop();
        }

        assertEquals(SESSIONS, endedCount(job.id()), "the whole mass logout's count, the request's batch included");
        assertEquals(SESSIONS - 1000, (long)
                registry.get("latchkey.logout.jobs.sessions.ended").counter().count());
        assertFinishedAuditRow(job.id(), SESSIONS);
        assertEverySidListedOnce(user, SESSIONS);
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM sessions WHERE user_id = $1 AND ended_at IS NULL", user));
        // A verifier asking the list about a token of an ended session hears it is revoked.
        String sid = Sql.string(
                pool, "SELECT id::text FROM sessions WHERE user_id = $1 AND ended_at IS NOT NULL LIMIT 1", user);
        assertTrue(Await.result(new PgRevocationRepository(pool)
                .isRevoked(UUID.randomUUID().toString(), sid, user.toString(), Long.MAX_VALUE / 2)));
        assertEquals(
                "client_disabled",
                Sql.string(pool, "SELECT DISTINCT end_reason FROM sessions WHERE id = $1::uuid", sid));
    }

    @Test
    void jobWhenItsReplicaStopsHalfWayThenAnotherFinishesItWithNothingLostOrRepeated() {
        UUID user = TestUsers.insert(pool, "mass-user", "mass-user-password-1");
        insertSessions(user, "other-app", SESSIONS);
        int batch = 500;

        // Replica A: its own Vert.x and pool, stopped abruptly once some batches have committed.
        Vertx vertxA = Vertx.vertx();
        Pool poolA = db.pool(vertxA);
        SessionTerminator terminatorA = terminator(poolA, new AuthMetrics(), batch);
        Await.result(Transactions.run(poolA, sql -> terminatorA.endUser(sql, user, "user_disabled")));
        LogoutJob job = onlyJobOf(user.toString());
        var runnerA = runner(vertxA, poolA, terminatorA, batch, new AuthMetrics());
        runnerA.start();
        Await.until("replica A ends some batches", DEADLINE, () -> endedCount(job.id()) >= 5 * batch);
        // Closing the connections mid-batch rolls that batch back; no stop() first, as a killed process gives none.
        Await.result(poolA.close());
        Await.result(vertxA.close());
        long endedByA = endedCount(job.id());
        assertTrue(endedByA < SESSIONS - batch, "replica A was stopped half-way, not at the end: " + endedByA);
        assertTrue(!finished(job.id()));

        // Replicas B and C resume it together: the job row's lock lets one batch run at a time.
        SessionTerminator terminatorB = terminator(pool, new AuthMetrics(), batch);
        var runnerB = runner(vertx, pool, terminatorB, batch, new AuthMetrics());
        var runnerC = runner(vertx, pool, terminatorB, batch, new AuthMetrics());
        runnerB.start();
        runnerC.start();
        try {
            Await.until("the resumed job finishes", DEADLINE, () -> finished(job.id()));
        } finally {
            runnerB.stop();
            runnerC.stop();
        }

        assertEquals(SESSIONS, endedCount(job.id()), "every session counted once");
        assertFinishedAuditRow(job.id(), SESSIONS);
        assertEverySidListedOnce(user, SESSIONS);
        assertEquals(
                SESSIONS,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM revocations r JOIN sessions s ON r.value = s.id::text"
                                + " WHERE r.type = 'sid' AND s.user_id = $1",
                        user));
    }

    @Test
    void jobWhenASessionCommitsBehindItsCursorThenTheFinalPassFromTheStartEndsIt() {
        TestClients.publicClient("behind-app").insert(pool);
        UUID user = TestUsers.insert(pool, "behind-user", "behind-user-password-1");
        insertSessions(user, "behind-app", 35);
        SessionTerminator terminator = terminator(pool, new AuthMetrics(), 10);
        Await.result(Transactions.run(pool, sql -> terminator.endClient(sql, "behind-app", "client_disabled")));
        LogoutJob job = onlyJobOf("behind-app");
        // As a login that started before the request and committed after it: created before the cutoff, its id
        // below the cursor the job already holds.
        UUID behind = UUID.fromString("00000000-0000-4000-8000-000000000001");
        Sql.rows(
                pool,
                "WITH opened AS (INSERT INTO sessions (id, user_id, client_id, scope, auth_time, expires_at, created_at)"
                        + " VALUES ($1, $2, 'behind-app', '', 0, now() + interval '1 day', $3::timestamptz"
                        + " - interval '1 second') RETURNING id, client_id)"
                        + " INSERT INTO session_clients (session_id, client_id) SELECT id, client_id FROM opened",
                behind,
                user,
                job.cutoff());

        var runner = runner(vertx, pool, terminator, 10, new AuthMetrics());
        runner.start();
        try {
            Await.until("the job finishes", DEADLINE, () -> finished(job.id()));
        } finally {
            runner.stop();
        }

        assertEquals(36, endedCount(job.id()));
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM sessions WHERE user_id = $1 AND ended_at IS NULL", user));
        assertEverySidListedOnce(user, 36);
        assertFinishedAuditRow(job.id(), 36);
    }

    /**
     * A batch of a client's job half-way through 100,000 sessions reads the client's sessions from its cursor on,
     * in index order, not all 100,000 to sort them: about a batch of rows from either table, and no sort.
     */
    @Test
    void clientBatchWhenHalfOfAHundredThousandSessionsEndedThenItReadsOnlyFromTheCursor() {
        TestClients.publicClient("plan-app").insert(pool);
        UUID user = TestUsers.insert(pool, "plan-user", "plan-user-password-1");
        insertSessions(user, "plan-app", 100_000);
        String cursor = Sql.string(
                pool,
                "WITH ended AS (UPDATE sessions SET ended_at = now(), end_reason = 'client_disabled'"
                        + " WHERE id IN (SELECT id FROM sessions WHERE user_id = $1 ORDER BY id LIMIT 50000)"
                        + " RETURNING id) SELECT id::text FROM ended ORDER BY id DESC LIMIT 1",
                user);
        Sql.rows(pool, "ANALYZE sessions");
        Sql.rows(pool, "ANALYZE session_clients");
        int limit = 1000;

        // Run the way the runner runs it, as a prepared statement, more than five times so a generic plan is tried.
        JsonArray plan = null;
        for (int i = 0; i < 7; i++) {
            plan = Await.result(Transactions.run(pool, sql -> sql.preparedQuery(
                            "EXPLAIN (ANALYZE, FORMAT JSON) " + PgSessionRepository.LOCK_BATCH_BY_CLIENT)
                    .execute(Tuple.of("plan-app", null, UUID.fromString(cursor), limit))
                    .map(rows -> (JsonArray) rows.iterator().next().getValue(0))));
        }

        JsonObject root = plan.getJsonObject(0).getJsonObject("Plan");
        assertEquals(limit, root.getLong("Actual Rows"), root.encodePrettily());
        List<JsonObject> nodes = new ArrayList<>();
        collect(root, nodes);
        for (JsonObject node : nodes) {
            assertFalse(node.getString("Node Type").contains("Sort"), "no sort: " + root.encodePrettily());
            if (node.containsKey("Relation Name")) {
                long read = node.getLong("Actual Rows") * node.getLong("Actual Loops");
                // A batch and the row that stops the limit; before the cursor it was all 100,000 rows.
                assertTrue(read <= limit + 1, node.getString("Relation Name") + " read " + read + " rows");
            }
        }
    }

    private static void collect(JsonObject node, List<JsonObject> into) {
        into.add(node);
        JsonArray children = node.getJsonArray("Plans");
        if (children != null) {
            children.forEach(child -> collect((JsonObject) child, into));
        }
    }
}
