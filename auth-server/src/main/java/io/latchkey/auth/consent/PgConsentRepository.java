package io.latchkey.auth.consent;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.Set;
import java.util.UUID;

/** {@link ConsentRepository} on PostgreSQL. */
public final class PgConsentRepository implements ConsentRepository {
    private static final String GRANTED = "SELECT scopes FROM consents WHERE user_id = $1 AND client_id = $2";
    private static final String GRANT = """
            INSERT INTO consents (user_id, client_id, scopes) VALUES ($1, $2, $3)
            ON CONFLICT (user_id, client_id) DO UPDATE
            SET scopes = ARRAY(SELECT DISTINCT unnest(consents.scopes || EXCLUDED.scopes) ORDER BY 1),
                granted_at = now()""";

    @Override
    public Future<Set<String>> granted(SqlClient sql, UUID userId, String clientId) {
        return sql.preparedQuery(GRANTED).execute(Tuple.of(userId, clientId)).map(rows -> {
            var it = rows.iterator();
            return it.hasNext() ? Set.of(it.next().getArrayOfStrings("scopes")) : Set.of();
        });
    }

    @Override
    public Future<Void> grant(SqlClient sql, UUID userId, String clientId, Set<String> scopes) {
        return sql.preparedQuery(GRANT)
                .execute(Tuple.of(userId, clientId, scopes.toArray(String[]::new)))
                .mapEmpty();
    }
}
