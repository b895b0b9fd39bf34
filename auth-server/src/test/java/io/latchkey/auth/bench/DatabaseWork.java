package io.latchkey.auth.bench;

import io.latchkey.auth.client.PgClientRepository;
import io.latchkey.auth.session.PgSessionRepository;
import io.latchkey.auth.session.RefreshTokens;
import io.latchkey.common.testing.Await;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntFunction;

/**
 * The database part of a grant on its own, through the same repositories and statements the grants use, {@code
 * lanes} at once in closed loops: the client lookup of client_credentials, and the refresh grant's two statements
 * (read the presented token unlocked; lock, retire and insert the successor) without HTTP or signing.
 */
final class DatabaseWork {
    private final Pool pool;
    private final int lanes;
    private final PgClientRepository clients;
    private final PgSessionRepository sessions = new PgSessionRepository();

    DatabaseWork(Pool pool, int lanes) {
        this.pool = pool;
        this.lanes = lanes;
        this.clients = new PgClientRepository(pool);
    }

    double clientLookups(String clientId, int seconds) throws Exception {
        return closedLoop(seconds, lane -> clients.find(clientId).map(found -> found.isPresent()));
    }

    /** Opens one session of the {@code bench} user per lane, then rotates each lane's token in turn. */
    double refreshTransactions(int seconds) throws Exception {
        UUID user = Await.result(pool.preparedQuery("SELECT id FROM users WHERE username = $1")
                        .execute(Tuple.of("bench")))
                .iterator()
                .next()
                .getUUID("id");
        OffsetDateTime expires = OffsetDateTime.now(ZoneOffset.UTC).plusHours(1);
        String[] tokens = new String[lanes];
        for (int i = 0; i < lanes; i++) {
            String token = RefreshTokens.generate();
            tokens[i] = token;
            UUID sid = UUID.randomUUID();
            Await.result(Transactions.run(pool, sql -> sessions.open(
                            sql, sid, user, "bench-app", "notes:read", System.currentTimeMillis() / 1000, expires)
                    .compose(v -> sessions.addRefreshToken(
                            sql, sid, "bench-app", "notes:read", RefreshTokens.hash(token), expires, null))));
        }
        return closedLoop(seconds, lane -> {
            String next = RefreshTokens.generate();
            byte[] presented = RefreshTokens.hash(tokens[lane]);
            OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
            return sessions.findByRefreshToken(pool, presented)
                    .compose(found -> sessions.rotate(
                            pool,
                            presented,
                            "bench-app",
                            now,
                            found.orElseThrow().userTokensNotBefore(),
                            RefreshTokens.hash(next),
                            expires))
                    .map(found -> found.isPresent() && found.get().rotated())
                    .map(rotated -> {
                        if (rotated) {
                            tokens[lane] = next;
                        }
                        return rotated;
                    });
        });
    }

    private double closedLoop(int seconds, IntFunction<Future<Boolean>> operation) throws Exception {
        AtomicLong done = new AtomicLong();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Future<Void>> finished = new ArrayList<>();
        for (int lane = 0; lane < lanes; lane++) {
            Promise<Void> laneDone = Promise.promise();
            next(operation, lane, end, done, laneDone);
            finished.add(laneDone.future());
        }
        Await.result(Future.all(finished));
        return done.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void next(
            IntFunction<Future<Boolean>> operation, int lane, long end, AtomicLong done, Promise<Void> laneDone) {
        if (System.nanoTime() >= end) {
            laneDone.complete();
            return;
        }
        operation.apply(lane).onComplete(ar -> {
            if (ar.succeeded() && ar.result()) {
                done.incrementAndGet();
            }
            next(operation, lane, end, done, laneDone);
        });
    }
}
