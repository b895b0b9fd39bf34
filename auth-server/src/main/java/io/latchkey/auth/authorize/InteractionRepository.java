package io.latchkey.auth.authorize;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;
import java.util.UUID;

/** Pending authorization requests. */
public interface InteractionRepository {
    Future<Void> create(SqlClient sql, Interaction interaction);

    /** The interaction, expired or not: a late step still knows where to send its error. */
    Future<Optional<Interaction>> find(SqlClient sql, String id);

    /** Records the browser session the user signed in to on this interaction. */
    Future<Void> attachSession(SqlClient sql, String id, UUID sessionId);

    /** Marks the interaction answered (a code or an error went back to the client). */
    Future<Void> complete(SqlClient sql, String id);

    /** Deletes interactions a day past their end. */
    Future<Void> prune(SqlClient sql);
}
