package io.latchkey.auth.grant;

import io.latchkey.auth.client.Client;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * What the token endpoint checks once it knows the client and before any grant runs: where the request comes from
 * and the DPoP proof it carries. Answers the thumbprint of the key the request proved ({@code jkt}), empty without
 * a proof; a failed future (an {@code OAuthError}) refuses the request.
 */
@FunctionalInterface
public interface TokenRequestScreen {
    /** Admits everything and binds nothing: a server without sender-constrained tokens. */
    TokenRequestScreen NONE = (client, ip, dpopHeaders) -> Future.succeededFuture(Optional.empty());

    Future<Optional<String>> screen(Client client, String ip, List<String> dpopHeaders);
}
