package io.latchkey.auth.grant;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * One grant type of the token endpoint.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4">RFC 6749 §4</a>
 */
public interface Grant {
    String type();

    /** The RFC 6749 §5.1 success body, or a failed future with an {@code OAuthError}. */
    Future<JsonObject> handle(TokenRequest request);
}
