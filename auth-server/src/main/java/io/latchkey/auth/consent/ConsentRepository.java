package io.latchkey.auth.consent;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Set;
import java.util.UUID;

/** Consent a user gave a third-party client, remembered per (user, client) for the scopes granted. */
public interface ConsentRepository {
    /** The scopes the user has consented to for the client; empty when none. */
    Future<Set<String>> granted(SqlClient sql, UUID userId, String clientId);

    /** Adds {@code scopes} to what the user has consented to for the client. */
    Future<Void> grant(SqlClient sql, UUID userId, String clientId, Set<String> scopes);
}
