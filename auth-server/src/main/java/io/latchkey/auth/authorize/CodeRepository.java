package io.latchkey.auth.authorize;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.UUID;

/** Authorization codes, stored as SHA-256 hashes. */
public interface CodeRepository {
    /** Stores a new code of {@code request} issued in session {@code sessionId}. */
    Future<Void> issue(
            SqlClient sql, byte[] codeHash, UUID sessionId, AuthorizeRequest request, OffsetDateTime expiresAt);

    /** The code with its session and user, without a lock. */
    Future<Optional<CodeState>> find(SqlClient sql, byte[] codeHash);

    /** What {@link #redeem} found under the session's lock, and whether it redeemed the code. */
    record Redemption(CodeState code, boolean redeemed) {}

    /**
     * In one statement: locks the code's session row ({@code FOR UPDATE}) and, when the code is {@code clientId}'s,
     * unused and unexpired at {@code now}, its session open and unexpired, its user enabled and the user's {@code
     * tokens_not_before} not above {@code signedIat}, marks it used by compare-and-set, records the client as one
     * of the session's and adds the refresh token {@code refreshHash} (when not null) with the code's scope, bound to
     * the DPoP key {@code refreshDpopJkt} when that is not null.
     */
    Future<Optional<Redemption>> redeem(
            SqlClient sql,
            byte[] codeHash,
            String clientId,
            OffsetDateTime now,
            long signedIat,
            byte[] refreshHash,
            OffsetDateTime refreshExpiresAt,
            String refreshDpopJkt);

    /** Deletes codes ten minutes past their end: long enough to recognise a replay of a code just used. */
    Future<Void> prune(SqlClient sql);
}
