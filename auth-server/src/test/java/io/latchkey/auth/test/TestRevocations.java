package io.latchkey.auth.test;

import io.latchkey.auth.feed.PgRevocationRepository;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.time.Instant;

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

    public static long now() {
        return Instant.now().getEpochSecond();
    }
}
