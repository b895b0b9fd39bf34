package io.latchkey.auth.client;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.Optional;

/** Reads and writes {@code clients} rows. */
public interface ClientRepository {
    Future<Optional<Client>> find(String clientId);

    /** Creates a client; fails with {@link DuplicateClientException} when the id is taken. */
    Future<Void> create(SqlClient sql, Client client);

    /** Replaces the secret hash; false when the client does not exist. */
    Future<Boolean> replaceSecret(SqlClient sql, String clientId, byte[] secretHash);

    Future<Boolean> disable(SqlClient sql, String clientId);

    /** Raises {@code tokens_not_before} to {@code notBefore} (epoch seconds) unless it is already higher. */
    Future<Void> raiseTokensNotBefore(SqlClient sql, String clientId, long notBefore);

    /** Creates {@code admin-cli} or replaces its secret, scopes and audience. */
    Future<Void> upsertAdminClient(String clientId, byte[] secretHash, String audience);

    final class DuplicateClientException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        public DuplicateClientException() {
            super("client_id taken", null, false, false);
        }
    }
}
