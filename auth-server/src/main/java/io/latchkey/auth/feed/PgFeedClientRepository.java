package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.Optional;

/** {@link FeedClientRepository} on the {@code clients} table (see V2). */
final class PgFeedClientRepository implements FeedClientRepository {
    private static final String FIND = """
            SELECT secret_hash, disabled, 'revocations:read' = ANY (scopes) AS may_read_feed
            FROM clients WHERE client_id = #{clientId}""";

    private final Pool pool;

    PgFeedClientRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<Optional<FeedClient>> find(String clientId) {
        return SqlTemplate.forQuery(pool, FIND)
                .execute(Map.of("clientId", clientId))
                .map(rows -> {
                    RowIterator<Row> it = rows.iterator();
                    if (!it.hasNext()) {
                        return Optional.empty();
                    }
                    Row row = it.next();
                    Buffer hash = row.getBuffer("secret_hash");
                    return Optional.of(new FeedClient(
                            hash == null ? null : hash.getBytes(),
                            row.getBoolean("disabled"),
                            row.getBoolean("may_read_feed")));
                });
    }
}
