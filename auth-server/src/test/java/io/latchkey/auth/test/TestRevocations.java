package io.latchkey.auth.test;

import io.latchkey.auth.feed.PgRevocationRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Appends entries as the server does, through the repository's {@code revocation_append}, each on its own. */
public final class TestRevocations {
    private TestRevocations() {}

    /** Appends one entry in a transaction of its own; completes with its seq. */
    public static Future<Long> append(Pool pool, String type, String value, Long notBefore, long expiresAt) {
        return new PgRevocationRepository(pool).append(pool, type, value, notBefore, expiresAt);
    }

    /** A {@code jti} entry that stays live for an hour. */
    public static Future<Long> jti(Pool pool, String value) {
        return append(pool, "jti", value, null, now() + 3600);
    }

    /** The highest committed seq, 0 when there is none. */
    public static Future<Long> highestSeq(Pool pool) {
        return new PgRevocationRepository(pool).highestSeq();
    }

    /** {@code count} {@code jti} entries named after {@code writer}, each appended once the one before committed. */
    public static Future<Void> appendInTurn(Pool pool, String writer, int count) {
        return appendFrom(pool, writer, 0, count);
    }

    private static Future<Void> appendFrom(Pool pool, String writer, int i, int count) {
        return i == count
                ? Future.succeededFuture()
                : jti(pool, writer + "-" + i).compose(seq -> appendFrom(pool, writer, i + 1, count));
    }

    /** Every committed seq above {@code start}, in order. */
    public static Future<List<Long>> seqsAfter(Pool pool, long start) {
        return pool.preparedQuery("SELECT seq FROM revocations WHERE seq > $1 ORDER BY seq")
                .execute(Tuple.of(start))
                .map(rows -> {
                    List<Long> seqs = new ArrayList<>();
                    rows.forEach(row -> seqs.add(row.getLong("seq")));
                    return seqs;
                });
    }

    public static long now() {
        return Instant.now().getEpochSecond();
    }
}
