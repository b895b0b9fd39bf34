package io.latchkey.keys.api;

import io.vertx.core.json.JsonObject;

/**
 * An error answered to a caller: status, an RFC 6749 §5.2-style error code and a description safe to show. It
 * carries no stack trace. The signing code fails with it; the HTTP layer renders it, and renders anything
 * else that fails a request as {@link #serverError()}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
public final class ApiError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    private ApiError(int status, String error, String description) {
        super(description, null, false, false);
        this.status = status;
        this.error = error;
    }

    public static ApiError invalidRequest(String description) {
        return new ApiError(400, "invalid_request", description);
    }

    public static ApiError unauthorized() {
        return new ApiError(401, "invalid_token", "missing or wrong internal secret");
    }

    public static ApiError notFound(String description) {
        return new ApiError(404, "not_found", description);
    }

    public static ApiError unavailable(String description) {
        return new ApiError(503, "temporarily_unavailable", description);
    }

    /** A body over the route's limit. */
    public static ApiError bodyTooLarge() {
        return new ApiError(413, "invalid_request", "request body too large");
    }

    /** Any other 4xx the HTTP stack itself refused the request with. */
    public static ApiError malformed(int status) {
        return new ApiError(status, "invalid_request", "malformed request");
    }

    /** Anything unexpected: no detail reaches the caller. */
    public static ApiError serverError() {
        return new ApiError(500, "server_error", "internal error");
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }

    /** {@code {"error","error_description"}}: the whole body of an error answer, or one entry of a batch. */
    public JsonObject toJson() {
        return new JsonObject().put("error", error).put("error_description", getMessage());
    }
}
