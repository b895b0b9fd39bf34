package io.latchkey.auth.client;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.util.HashSet;
import java.util.Set;

/**
 * {@link CorsOriginRepository} on PostgreSQL: one statement over {@code clients}, which holds a few rows per
 * application and at most 32 origins per row (V9's check), so a scan costs less than an index would save.
 */
public final class PgCorsOriginRepository implements CorsOriginRepository {
    private static final String ENABLED_CLIENT_ORIGINS = """
            SELECT DISTINCT origin FROM clients, unnest(allowed_cors_origins) AS origin WHERE NOT disabled""";

    private final Pool pool;

    public PgCorsOriginRepository(Pool pool) {
        this.pool = pool;
    }

    @Override
    public Future<Set<String>> enabledClientOrigins() {
        return pool.preparedQuery(ENABLED_CLIENT_ORIGINS).execute().map(rows -> {
            Set<String> origins = new HashSet<>();
            rows.forEach(row -> origins.add(row.getString("origin")));
            return Set.copyOf(origins);
        });
    }
}
