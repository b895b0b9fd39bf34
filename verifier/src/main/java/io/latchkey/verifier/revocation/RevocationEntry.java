package io.latchkey.verifier.revocation;

import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * One entry of the revocation list: a {@code jti}, {@code sid}, {@code sub} (tokens issued before {@code
 * not_before}) or {@code kid}, live until {@code expires_at} (epoch seconds).
 */
public record RevocationEntry(long seq, Type type, String value, Optional<Long> notBefore, long expiresAt) {
    /** What the entry's value names. */
    public enum Type {
        JTI,
        SID,
        SUB,
        KID
    }

    /** Parses an entry; throws {@link IllegalArgumentException} when a field is missing or of the wrong kind. */
    public static RevocationEntry from(JsonObject json) {
        try {
            Type type =
                    switch (String.valueOf(json.getValue("type"))) {
                        case "jti" -> Type.JTI;
                        case "sid" -> Type.SID;
                        case "sub" -> Type.SUB;
                        case "kid" -> Type.KID;
                        default -> throw new IllegalArgumentException("unknown entry type");
                    };
            String value = json.getString("value");
            Long seq = json.getLong("seq");
            Long expiresAt = json.getLong("expires_at");
            Optional<Long> notBefore = Optional.ofNullable(json.getLong("not_before"));
            if (value == null || value.isEmpty() || seq == null || expiresAt == null) {
                throw new IllegalArgumentException("entry lacks seq, value or expires_at");
            }
            if (type == Type.SUB && notBefore.isEmpty()) {
                throw new IllegalArgumentException("a sub entry needs not_before");
            }
            return new RevocationEntry(seq, type, value, notBefore, expiresAt);
        } catch (ClassCastException e) {
            throw new IllegalArgumentException("entry field of the wrong type");
        }
    }
}
