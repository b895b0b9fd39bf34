package io.latchkey.auth.dpop;

import io.latchkey.common.concurrent.EventLoopBatcher;
import io.latchkey.common.dpop.DpopReplayCache;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The DPoP proof {@code jti}s the token endpoint and userinfo accepted, in PostgreSQL, so a proof is used once
 * across every replica (RFC 9449 §11.1): the first INSERT of a (jkt, jti) wins, any later one, on any replica,
 * finds the primary key taken. Uses queued on one event loop go to the database as one statement. A row is kept until no replica could still accept the proof by its {@code iat}
 * (the proof window on either side plus the same again for clock skew between replicas), then {@link #prune}
 * deletes it.
 */
public final class PgProofJtiRepository implements DpopReplayCache {
    /**
     * How long after its {@code iat} a proof's jti is kept: the checker's acceptance (60 s window plus 5 s leeway),
     * plus 60 s of clock skew between replicas.
     */
    static final Duration KEEP = Duration.ofSeconds(125);

    private static final Duration BLOCKING_TIMEOUT = Duration.ofSeconds(10);
    // Every use that queued on an event loop in one statement and one commit: under load the commit's WAL flush,
    // not the insert, is the cost. The rows that come back are the first uses.
    private static final String INSERT = """
            INSERT INTO dpop_proof_jtis (jkt, jti, expires_at)
            SELECT * FROM unnest($1::text[], $2::text[], $3::timestamptz[])
            ON CONFLICT (jkt, jti) DO NOTHING
            RETURNING jkt, jti""";
    // Several batches out at once: each waits for its commit's WAL flush, and PostgreSQL flushes concurrent
    // commits together.
    private static final int INSERTS_IN_FLIGHT = 4;
    private static final int MAX_BATCH = 64;
    private static final String PRUNE = "DELETE FROM dpop_proof_jtis WHERE expires_at < now()";

    private final Pool pool;
    private final EventLoopBatcher<Use, Boolean> inserts;

    public PgProofJtiRepository(Pool pool) {
        this.pool = pool;
        this.inserts = new EventLoopBatcher<>(this::insertAll, INSERTS_IN_FLIGHT, MAX_BATCH);
    }

    private record Use(String jkt, String jti, OffsetDateTime expiresAt) {
        String key() {
            return jkt + ' ' + jti;
        }
    }

    /** True when this is the first use of the key's {@code jti}; false for a replay, whichever replica saw it. */
    public Future<Boolean> record(String jkt, String jti, Instant iat) {
        return inserts.submit(new Use(jkt, jti, OffsetDateTime.ofInstant(iat.plus(KEEP), ZoneOffset.UTC)));
    }

    private Future<List<AsyncResult<Boolean>>> insertAll(List<Use> uses) {
        Tuple arrays = Tuple.of(
                uses.stream().map(Use::jkt).toArray(String[]::new),
                uses.stream().map(Use::jti).toArray(String[]::new),
                uses.stream().map(Use::expiresAt).toArray(OffsetDateTime[]::new));
        return pool.preparedQuery(INSERT).execute(arrays).map(rows -> {
            Set<String> inserted = new HashSet<>();
            rows.forEach(row -> inserted.add(row.getString("jkt") + ' ' + row.getString("jti")));
            List<AsyncResult<Boolean>> results = new ArrayList<>(uses.size());
            // The same proof twice in one batch: only its first occurrence is the first use.
            Set<String> answered = new HashSet<>();
            for (Use use : uses) {
                results.add(Future.succeededFuture(inserted.contains(use.key()) && answered.add(use.key())));
            }
            return results;
        });
    }

    /**
     * {@link #record}, waited for: for a caller on a worker thread only (a proof checked inside a blocking task).
     * On an event loop it refuses rather than block it.
     */
    @Override
    public boolean firstUse(String jkt, String jti, Instant iat) {
        if (Context.isOnEventLoopThread()) {
            throw new IllegalStateException("firstUse blocks: call record() on an event loop");
        }
        try {
            return record(jkt, jti, iat)
                    .toCompletionStage()
                    .toCompletableFuture()
                    .get(BLOCKING_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while recording a DPoP proof jti", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("could not record a DPoP proof jti", e);
        }
    }

    /** Deletes the jtis no proof window can reach any more; run by the session pruner. */
    public Future<Void> prune(SqlClient sql) {
        return sql.query(PRUNE).execute().mapEmpty();
    }
}
