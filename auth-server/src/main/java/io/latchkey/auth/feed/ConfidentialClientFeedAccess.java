package io.latchkey.auth.feed;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;

/**
 * {@link FeedAccess} through the shared {@link ClientAuthenticator}: HTTP Basic of a confidential, enabled client
 * (the same decoding, constant-time comparison and logging as the token endpoint), then {@link #SCOPE} among its
 * scopes. Any authentication failure is {@link Decision#UNAUTHENTICATED}; a database failure stays a failure.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
public final class ConfidentialClientFeedAccess implements FeedAccess {
    private final ClientAuthenticator authenticator;

    public ConfidentialClientFeedAccess(ClientAuthenticator authenticator) {
        this.authenticator = authenticator;
    }

    @Override
    public Future<Decision> check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Future.succeededFuture(Decision.UNAUTHENTICATED);
        }
        // The feed's requests are GETs without a form: the credentials can only be in the header.
        return authenticator
                .authenticateConfidential(authorization, FormBody.empty())
                .map(client -> client.scopes().contains(SCOPE) ? Decision.ALLOWED : Decision.FORBIDDEN)
                .recover(e -> e instanceof OAuthError
                        ? Future.succeededFuture(Decision.UNAUTHENTICATED)
                        : Future.failedFuture(e));
    }
}
