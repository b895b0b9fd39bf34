package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.List;

/** The reads and the pruning the revocation feed needs; entries are written only through {@code revocation_append}. */
public interface RevocationFeedRepository {

    /**
     * Live entries ({@code expires_at > now}) with a seq above {@code after}, in seq order, and the highest
     * committed seq, all from one snapshot. An {@code after} of 0 or above the highest seq means every live entry.
     * The whole list in memory at once: for a short one (tests, tools); the endpoints read a {@link LiveListCursor}.
     */
    Future<RevocationPage> list(long after, long now);

    /**
     * Up to {@code limit} live entries ({@code expires_at > now}) with {@code after < seq <= upTo}, in seq order: one
     * keyset page of a {@link LiveListCursor}.
     */
    Future<List<RevocationEntry>> livePage(long after, long upTo, long now, int limit);

    /** Up to {@code limit} entries with a seq above {@code after}, in seq order: the broadcaster's catch-up read. */
    Future<List<RevocationEntry>> after(long after, int limit);

    /** The highest committed seq, 0 when there is none. */
    Future<Long> highestSeq();

    /**
     * Deletes up to {@code limit} entries that expired before {@code cutoff}, always keeping the entry with the
     * highest seq so the highest committed seq stays known; returns how many it deleted.
     */
    Future<Integer> prune(long cutoff, int limit);

    /**
     * Answers one trivial statement on {@code connection}, the feed's LISTEN connection rather than the pool: it
     * fails when that connection has died silently.
     */
    Future<Void> ping(SqlClient connection);
}
