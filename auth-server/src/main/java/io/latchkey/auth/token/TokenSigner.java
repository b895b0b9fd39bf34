package io.latchkey.auth.token;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Turns a claims set into a signed token. */
public interface TokenSigner {
    String ACCESS_TOKEN = "at+jwt";
    String ID_TOKEN = "JWT";
    String LOGOUT_TOKEN = "logout+jwt";

    /** RFC 9068 §2.1's algorithm, every verifier's: what a client without a choice gets. */
    String RS256 = "RS256";

    String ES256 = "ES256";

    /**
     * A token of {@code typ} ({@link #ACCESS_TOKEN}, {@link #ID_TOKEN} or {@link #LOGOUT_TOKEN}) signed with
     * {@code alg} ({@link #RS256} or {@link #ES256}: the client's {@code access_token_signing_alg}).
     */
    Future<String> sign(String typ, String alg, JsonObject claims);

    /** An RS256 access token. */
    default Future<String> sign(JsonObject claims) {
        return sign(ACCESS_TOKEN, RS256, claims);
    }

    /** An RS256 token of {@code typ}. */
    default Future<String> sign(String typ, JsonObject claims) {
        return sign(typ, RS256, claims);
    }
}
