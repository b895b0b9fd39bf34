package io.latchkey.auth.grant;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.dpop.SenderConstrainedTokens;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.token.AccessTokenFactory;
import io.latchkey.auth.token.Scopes;
import io.latchkey.auth.token.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client_credentials grant, for confidential clients only. No database write: the token is a log line and
 * a metric, and it dies with a {@code sub} entry when the client is disabled or its secret rotated.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.4">RFC 6749 §4.4</a>
 */
public final class ClientCredentialsGrant implements Grant {
    private static final Logger LOG = LoggerFactory.getLogger(ClientCredentialsGrant.class);

    private final AccessTokenFactory tokens;
    private final TokenSigner signer;
    private final AuthMetrics metrics;

    public ClientCredentialsGrant(AccessTokenFactory tokens, TokenSigner signer, AuthMetrics metrics) {
        this.tokens = tokens;
        this.signer = signer;
        this.metrics = metrics;
    }

    @Override
    public String type() {
        return "client_credentials";
    }

    @Override
    public Future<JsonObject> handle(TokenRequest request) {
        Client client = request.client();
        if (client.isPublic()) {
            return Future.failedFuture(
                    OAuthError.unauthorizedClient("Public clients cannot use the client_credentials grant"));
        }
        String scope = Scopes.grant(request.form().optional("scope"), client.scopes());
        JsonObject claims = SenderConstrainedTokens.bind(
                tokens.clientToken(client.clientId(), client.audience(), scope, client.tokensNotBefore()),
                request.dpopJkt());
        return signer.sign(TokenSigner.ACCESS_TOKEN, client.signingAlg(), claims)
                .map(token -> {
                    LOG.info(
                            "token issued grant=client_credentials client={} jti={}",
                            client.clientId(),
                            claims.getString("jti"));
                    return TokenResponses.of(token, request.dpopJkt(), tokens.ttlSeconds(), scope, null);
                });
    }
}
