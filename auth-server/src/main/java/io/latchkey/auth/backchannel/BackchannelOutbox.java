package io.latchkey.auth.backchannel;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** The back-channel logout outbox in PostgreSQL. */
public interface BackchannelOutbox {
    /**
     * On the transaction that ends {@code sessionIds}: one delivery per (session, client) that received tokens in it
     * and registered a back-channel logout URI. A pair already queued is left as it is (once per pair).
     */
    Future<Void> enqueue(SqlClient sql, List<UUID> sessionIds);

    /**
     * Claims up to {@code limit} due deliveries (skipping rows another replica holds), counting an attempt on each
     * and pushing its next attempt {@code lease} out, so a claim that dies with its replica comes due again.
     */
    Future<List<Delivery>> claimDue(SqlClient sql, int limit, Duration lease);

    /** Marks {@code ids} delivered, in one statement. */
    Future<Void> delivered(SqlClient sql, List<Long> ids);

    /** A failed attempt: tried again at {@code next}, or abandoned when {@code abandon}. */
    Future<Void> failed(SqlClient sql, long id, String error, OffsetDateTime next, boolean abandon);

    /** Deliveries neither delivered nor abandoned. */
    Future<Long> pending(SqlClient sql);

    /** Deletes finished deliveries older than a day. */
    Future<Void> prune(SqlClient sql);
}
