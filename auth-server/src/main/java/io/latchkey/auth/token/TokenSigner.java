package io.latchkey.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Turns a claims set into a signed token. */
public interface TokenSigner {
    String ACCESS_TOKEN = "at+jwt";
    String ID_TOKEN = "JWT";
    String LOGOUT_TOKEN = "logout+jwt";

    /** An access token ({@code typ} {@code at+jwt}). */
    Future<String> sign(JsonObject claims);

    /** A token of {@code typ}: {@link #ACCESS_TOKEN}, {@link #ID_TOKEN} or {@link #LOGOUT_TOKEN}. */
    default Future<String> sign(String typ, JsonObject claims) {
        return typ.equals(ACCESS_TOKEN)
                ? sign(claims)
                : Future.failedFuture(new UnsupportedOperationException("this signer signs access tokens only"));
    }
}
