package io.latchkey.auth.admin;

import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.client.ClientSecrets;
import io.vertx.core.Future;
import java.util.Optional;

/**
 * At start, when {@code LATCHKEY_ADMIN_CLIENT_SECRET} is set, creates {@code admin-cli} (client_credentials,
 * scope {@code admin}, audience the issuer) or replaces its secret hash: that is how its secret is rotated.
 */
public final class AdminClientBootstrap {
    public static final String CLIENT_ID = "admin-cli";

    private AdminClientBootstrap() {}

    public static Future<Void> apply(ClientRepository clients, Optional<String> secret, String issuer) {
        if (secret.isEmpty()) {
            return Future.succeededFuture();
        }
        return clients.upsertAdminClient(CLIENT_ID, ClientSecrets.sha256(secret.get()), issuer);
    }
}
