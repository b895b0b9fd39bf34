package io.latchkey.auth.grant;

import io.latchkey.auth.dpop.SenderConstrainedTokens;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * The success body of the token endpoint.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.1">RFC 6749 §5.1</a>
 */
final class TokenResponses {
    private TokenResponses() {}

    static JsonObject of(
            String accessToken, Optional<String> dpopJkt, long expiresIn, String scope, String refreshToken) {
        JsonObject body = new JsonObject()
                .put("access_token", accessToken)
                .put("token_type", SenderConstrainedTokens.tokenType(dpopJkt))
                .put("expires_in", expiresIn)
                .put("scope", scope);
        if (refreshToken != null) {
            body.put("refresh_token", refreshToken);
        }
        return body;
    }
}
