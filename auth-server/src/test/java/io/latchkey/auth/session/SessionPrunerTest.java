package io.latchkey.auth.session;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.backchannel.PgBackchannelOutbox;
import io.latchkey.auth.test.Sql;
import io.latchkey.auth.test.TestClients;
import io.latchkey.auth.test.TestUsers;
import io.latchkey.auth.throttle.PgLoginThrottle;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SessionPrunerTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    static Vertx vertx;
    static Pool pool;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        pool = db.pool(vertx);
        TestClients.publicClient("app").insert(pool);
    }

    @AfterAll
    static void stop() {
        Await.result(pool.close());
        Await.result(vertx.close());
    }

    @Test
    void pruneWhenSessionsEndedLongAgoOrExpiredThenDeletedWithTheirRefreshTokensAndOpenOnesKept() {
        UUID user = TestUsers.insert(pool, "nia", "nia-password-1");
        String insert = "INSERT INTO sessions (user_id, client_id, scope, auth_time, expires_at, ended_at, end_reason)"
                + " VALUES ($1, 'app', '', 0, $2::text::timestamptz, $3::text::timestamptz, $4) RETURNING id";
        UUID old = Sql.rows(pool, insert, user, "2999-01-01T00:00:00Z", "2000-01-01T00:00:00Z", "logout")
                .get(0)
                .getUUID(0);
        UUID expired = Sql.rows(pool, insert, user, "2000-01-01T00:00:00Z", null, null)
                .get(0)
                .getUUID(0);
        UUID open = Sql.rows(pool, insert, user, "2999-01-01T00:00:00Z", null, null)
                .get(0)
                .getUUID(0);
        Sql.rows(
                pool,
                "INSERT INTO refresh_tokens (token_hash, session_id, client_id, scope, expires_at)"
                        + " SELECT sha256('a'), id, client_id, scope, now() + interval '1 day' FROM sessions"
                        + " WHERE id = $1",
                old);
        Await.result(new SessionPruner(
                        pool, new PgSessionRepository(), new PgLoginThrottle(), new PgBackchannelOutbox(), List.of())
                .prune());
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM sessions WHERE id IN ($1, $2)", old, expired));
        assertEquals(1, Sql.count(pool, "SELECT count(*) FROM sessions WHERE id = $1", open));
        assertEquals(0, Sql.count(pool, "SELECT count(*) FROM refresh_tokens"));
    }
}
