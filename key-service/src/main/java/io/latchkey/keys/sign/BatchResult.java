package io.latchkey.keys.sign;

import io.latchkey.keys.api.ApiError;
import io.vertx.core.json.JsonObject;

/** One claim set's outcome in a batch: a signed token, or the error its claims earned. */
public record BatchResult(SignedToken token, ApiError error) {
    static BatchResult signed(SignedToken token) {
        return new BatchResult(token, null);
    }

    static BatchResult failed(ApiError error) {
        return new BatchResult(null, error);
    }

    /** {@code {"token","kid"}}, or {@code {"error","error_description"}} as a whole-request error would say it. */
    public JsonObject toJson() {
        return token != null ? token.toJson() : error.toJson();
    }
}
