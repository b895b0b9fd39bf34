package io.latchkey.common.jose;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;

/**
 * A JWS in compact serialization split into its decoded parts, nothing verified yet. Parsing is strict: exactly three
 * non-empty canonical base64url segments, a header and a payload that are each one JSON object without duplicate
 * member names, and a length cap so a huge input costs little. {@link #parse} throws {@link IllegalArgumentException}
 * with a short reason that quotes nothing of the input.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-5.2">RFC 7515 §5.2</a>
 */
public record CompactJws(JsonObject header, JsonObject payload, byte[] signingInput, byte[] signature) {
    /** Room for a DPoP proof carrying an 8192-bit RSA key, far below anything that could hurt. */
    public static final int DEFAULT_MAX_LENGTH = 16 * 1024;

    public static CompactJws parse(String jws) {
        return parse(jws, DEFAULT_MAX_LENGTH);
    }

    public static CompactJws parse(String jws, int maxLength) {
        if (jws == null || jws.isEmpty() || jws.length() > maxLength) {
            throw new IllegalArgumentException("empty or too long");
        }
        int first = jws.indexOf('.');
        int second = first < 0 ? -1 : jws.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == jws.length() - 1 || jws.indexOf('.', second + 1) >= 0) {
            throw new IllegalArgumentException("not three non-empty segments");
        }
        JsonObject header = json(jws.substring(0, first));
        JsonObject payload = json(jws.substring(first + 1, second));
        byte[] signature = Base64Url.decode(jws.substring(second + 1));
        byte[] signingInput = jws.substring(0, second).getBytes(StandardCharsets.US_ASCII);
        return new CompactJws(header, payload, signingInput, signature);
    }

    private static JsonObject json(String segment) {
        byte[] bytes = Base64Url.decode(segment);
        try {
            // A fresh decoder reports malformed UTF-8 instead of replacing it, so no two byte strings read alike.
            return StrictJson.object(StandardCharsets.UTF_8
                    .newDecoder()
                    .decode(ByteBuffer.wrap(bytes))
                    .toString());
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("segment is not UTF-8");
        }
    }
}
