package io.latchkey.keys.http;

/**
 * An error answered to a caller: status, an RFC 6749 §5.2-style error code and a description safe to show. It
 * carries no stack trace; anything else that fails a request renders as {@code server_error}.
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

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public String description() {
        return getMessage();
    }
}
