package io.latchkey.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Turns a claims set into a signed access token. */
public interface TokenSigner {
    Future<String> sign(JsonObject claims);
}
