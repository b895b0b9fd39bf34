package io.latchkey.keys.sign;

import io.vertx.core.json.JsonObject;

/** A signed token of any {@link TokenType} and the kid that signed it: the body of {@code /internal/sign}'s answer. */
public record SignedToken(String token, String kid) {
    public JsonObject toJson() {
        return new JsonObject().put("token", token).put("kid", kid);
    }
}
