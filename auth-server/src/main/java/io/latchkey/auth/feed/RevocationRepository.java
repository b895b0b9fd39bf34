package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/** Writing entries to the revocation list, and checking a token against it. */
public interface RevocationRepository {
    /**
     * Appends an entry on the caller's transaction through {@code revocation_append}, which takes the writers'
     * advisory lock until that transaction ends, so seq order is commit order; returns its seq.
     */
    Future<Long> append(SqlClient sql, String type, String value, Long notBefore, long expiresAt);

    /**
     * Appends one entry per value, in order, in one statement on the caller's transaction (the advisory lock is
     * taken once); returns how many.
     */
    Future<Integer> appendAll(SqlClient sql, String type, List<String> values, Long notBefore, long expiresAt);

    /**
     * Whether an entry revokes a token: its {@code jti}, its {@code sid} (may be null), or a {@code sub} entry
     * whose {@code not_before} is after its {@code iat}.
     */
    Future<Boolean> isRevoked(String jti, String sid, String sub, long iat);
}
