package io.latchkey.auth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The revocation writer: entries commit with the change that caused them, or not at all. */
class SessionTerminatorTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static final Instant NOW = Instant.parse("2026-11-28T12:00:00.250Z");
    static Vertx vertx;
    static Pool pool;
    static final PgSessionRepository sessions = new PgSessionRepository();
    static SessionTerminator terminator;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        terminator = new SessionTerminator(
                sessions,
                new PgUserRepository(pool),
                new PgClientRepository(pool),
                new PgRevocationRepository(pool),
                Duration.ofSeconds(300),
                Clock.fixed(NOW, ZoneOffset.UTC),
                new AuthMetrics(),
                new PgBackchannelOutbox());
        TestClients.publicClient("app").insert(pool);
    }

    @AfterAll
    static void stop() {
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    static UUID open(UUID user) {
        UUID sid = UUID.randomUUID();
        Await.result(pool.withConnection(sql -> sessions.open(
                sql,
                sid,
                user,
                "app",
                "notes:read",
                NOW.getEpochSecond(),
                OffsetDateTime.now(ZoneOffset.UTC).plusDays(1))));
        return sid;
    }

    @Test
    void endUserWhenSessionsOpenThenEachSidListedAndSubWithNotBeforeRoundedUp() {
        UUID user = TestUsers.insert(pool, "kim", "kim-password-1");
        UUID a = open(user);
        UUID b = open(user);
        SessionsEnded ended = Await.result(pool.withTransaction(sql -> terminator.endUser(sql, user, "user_disabled")));
        assertEquals(2, ended.count());
        assertTrue(ended.logoutJob().isEmpty(), "fewer sessions than a batch need no job");
        List<Row> rows = Sql.rows(
                pool,
                "SELECT type, value, not_before, expires_at FROM revocations"
                        + " WHERE value IN ($1, $2, $3) ORDER BY seq",
                a.toString(),
                b.toString(),
                user.toString());
        long nowSeconds = NOW.getEpochSecond();
        assertEquals(3, rows.size());
        assertEquals("sid", rows.get(0).getString("type"));
        assertEquals("sid", rows.get(1).getString("type"));
        assertEquals("sub", rows.get(2).getString("type"));
        assertEquals(nowSeconds + 1, rows.get(2).getLong("not_before"));
        for (Row row : rows) {
            assertEquals(nowSeconds + 360, row.getLong("expires_at"));
        }
        assertEquals(nowSeconds + 1, Sql.count(pool, "SELECT tokens_not_before FROM users WHERE id = $1", user));
        assertEquals(
                2,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM sessions WHERE user_id = $1 AND end_reason = 'user_disabled'",
                        user));
    }

    @Test
    void endUserWhenTransactionRollsBackThenNothingWritten() {
        UUID user = TestUsers.insert(pool, "lee", "lee-password-1");
        UUID session = open(user);
        long before = Sql.count(pool, "SELECT count(*) FROM revocations");
        Future<Object> failed = pool.withTransaction(sql -> terminator
                .endUser(sql, user, "user_disabled")
                .compose(ids -> Future.failedFuture(new IllegalStateException("later step failed"))));
        Await.result(failed.otherwiseEmpty());
        assertEquals(before, Sql.count(pool, "SELECT count(*) FROM revocations"));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM sessions WHERE id = $1 AND ended_at IS NULL", session));
        assertEquals(0, Sql.count(pool, "SELECT tokens_not_before FROM users WHERE id = $1", user));
    }

    @Test
    void endSessionWhenAlreadyEndedThenNoSecondEntry() {
        UUID user = TestUsers.insert(pool, "max", "max-password-1");
        UUID session = open(user);
        Await.result(pool.withTransaction(sql -> terminator.endSession(sql, session, "refresh_reuse")));
        Await.result(pool.withTransaction(sql -> terminator.endSession(sql, session, "refresh_reuse")));
        assertEquals(
                1,
                Sql.count(
                        pool,
                        "SELECT count(*) FROM revocations WHERE type = 'sid' AND value = $1",
                        session.toString()));
    }
}
