package io.latchkey.verifier.token;

import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.vertx.core.json.JsonObject;

/**
 * A JWS in compact serialization split into its decoded parts, nothing verified yet: the strict parse of
 * {@link io.latchkey.common.jose.CompactJws} (canonical base64url, JSON objects without duplicate members) with a cap
 * sized for Latchkey tokens, and a {@link TokenRejected} for anything malformed.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-7.1">RFC 7515 §7.1</a>
 */
public record CompactJws(JsonObject header, JsonObject claims, byte[] signingInput, byte[] signature) {
    /** Far above a Latchkey token (about 1 KiB) and far below anything that could hurt. */
    public static final int MAX_LENGTH = 8 * 1024;

    public static CompactJws parse(String token) {
        try {
            io.latchkey.common.jose.CompactJws jws = io.latchkey.common.jose.CompactJws.parse(token, MAX_LENGTH);
            return new CompactJws(jws.header(), jws.payload(), jws.signingInput(), jws.signature());
        } catch (IllegalArgumentException e) {
            throw new TokenRejected(Reason.MALFORMED, e.getMessage());
        }
    }
}
