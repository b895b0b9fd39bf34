package io.latchkey.auth.feed;

import io.vertx.core.json.JsonObject;

/**
 * An error answer of a feed endpoint, rendered as an RFC 6749 §5.2 body. Kept in this package until the shared
 * {@code OAuthError} lands; the descriptions are fixed texts, never input or exception detail.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
final class FeedError extends RuntimeException {
    private final int status;
    private final String error;
    private final String description;

    private FeedError(int status, String error, String description) {
        super(error, null, false, false);
        this.status = status;
        this.error = error;
        this.description = description;
    }

    static FeedError invalidRequest(String description) {
        return new FeedError(400, "invalid_request", description);
    }

    static FeedError invalidClient() {
        return new FeedError(401, "invalid_client", "client authentication failed");
    }

    static FeedError insufficientScope() {
        return new FeedError(403, "insufficient_scope", "the client is not allowed " + FeedAccess.SCOPE);
    }

    static FeedError unavailable() {
        return new FeedError(503, "temporarily_unavailable", "the revocation feed is not available; retry shortly");
    }

    static FeedError serverError() {
        return new FeedError(500, "server_error", "the server could not complete the request");
    }

    int status() {
        return status;
    }

    JsonObject toJson() {
        return new JsonObject().put("error", error).put("error_description", description);
    }
}
