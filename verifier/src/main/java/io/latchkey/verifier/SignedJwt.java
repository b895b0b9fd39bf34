package io.latchkey.verifier;

import io.vertx.core.json.JsonObject;

/**
 * A JWT whose header and signature {@link Verifier#verifySigned} checked: the key that signed it, the algorithm
 * that key is pinned to, and the claims, none of them checked yet. What the claims must say depends on the kind of
 * token (an ID token, a logout token), so that is the caller's part.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-5.2">RFC 7515 §5.2</a>
 */
public record SignedJwt(String keyId, String algorithm, JsonObject claimsJson) {
    /** A copy of the claims. */
    public JsonObject claims() {
        return claimsJson.copy();
    }

    /** A copy, like {@link #claims()}. */
    @Override
    public JsonObject claimsJson() {
        return claimsJson.copy();
    }
}
