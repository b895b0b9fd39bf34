package io.latchkey.auth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
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

        List<UUID> inline =
                Await.result(Transactions.run(pool, sql -> terminator.endClient(sql, "mass-app", "client_disabled")));
        assertEquals(1000, inline.size());
        LogoutJob job = onlyJobOf("mass-app");
        assertTrue(job.finishedAt().isEmpty());
        // A session opened after the request is not the job's: only those the request saw end.
        insertSessions(user, "mass-app", 1);

        var runner = new LogoutJobRunner(vertx, pool, jobs, terminator, 1000, 50, metrics);
        runner.start();
        try {
            Await.until("the job finishes", DEADLINE, () -> finished(job.id()));
        } finally {
            runner.stop();
        }

        assertEquals(SESSIONS - 1000, endedCount(job.id()));
        assertEquals(SESSIONS - 1000, (long)
                registry.get("latchkey.logout.jobs.sessions.ended").counter().count());
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
        var runnerA = new LogoutJobRunner(vertxA, poolA, jobs, terminatorA, batch, 50, new AuthMetrics());
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
        var runnerB = new LogoutJobRunner(vertx, pool, jobs, terminatorB, batch, 50, new AuthMetrics());
        var runnerC = new LogoutJobRunner(vertx, pool, jobs, terminatorB, batch, 50, new AuthMetrics());
        runnerB.start();
        runnerC.start();
        try {
            Await.until("the resumed job finishes", DEADLINE, () -> finished(job.id()));
        } finally {
            runnerB.stop();
            runnerC.stop();
        }

        assertEquals(SESSIONS - batch, endedCount(job.id()), "every session counted once");
        assertEverySidListedOnce(user, SESSIONS);
        assertEquals(
                SESSIONS,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM revocations r JOIN sessions s ON r.value = s.id::text"
                                + " WHERE r.type = 'sid' AND s.user_id = $1",
                        user));
    }
}
