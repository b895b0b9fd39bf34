package io.latchkey.verifier.token;

import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A JWS in compact serialization split into its decoded parts, nothing verified yet. Parsing is strict: three
 * unpadded base64url segments, a JSON object header and payload, and a size cap so a huge header cannot cost much.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-7.1">RFC 7515 §7.1</a>
 */
public record CompactJws(JsonObject header, JsonObject claims, byte[] signingInput, byte[] signature) {
    /** Far above a Latchkey token (about 1 KiB) and far below anything that could hurt. */
    public static final int MAX_LENGTH = 8 * 1024;

    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    public static CompactJws parse(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_LENGTH) {
            throw malformed("empty or too long");
        }
        int first = token.indexOf('.');
        int second = first < 0 ? -1 : token.indexOf('.', first + 1);
        if (first <= 0 || second <= first + 1 || second == token.length() - 1 || token.indexOf('.', second + 1) >= 0) {
            throw malformed("not three non-empty segments");
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean allowed =
                    (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
            if (!allowed && c != '.') {
                throw malformed("not base64url");
            }
        }
        JsonObject header = json(token.substring(0, first));
        JsonObject claims = json(token.substring(first + 1, second));
        byte[] signature = decode(token.substring(second + 1));
        byte[] signingInput = token.substring(0, second).getBytes(StandardCharsets.US_ASCII);
        return new CompactJws(header, claims, signingInput, signature);
    }

    private static JsonObject json(String segment) {
        String text = new String(decode(segment), StandardCharsets.UTF_8);
        // Only an object will do: "null", arrays, strings and numbers are valid JSON but not a JOSE header or claims.
        if (!text.stripLeading().startsWith("{")) {
            throw malformed("segment is not a JSON object");
        }
        try {
            return new JsonObject(text);
        } catch (DecodeException | ClassCastException e) {
            throw malformed("segment is not a JSON object");
        }
    }

    private static byte[] decode(String segment) {
        try {
            return DECODER.decode(segment);
        } catch (IllegalArgumentException e) {
            throw malformed("bad base64url");
        }
    }

    private static TokenRejected malformed(String detail) {
        return new TokenRejected(Reason.MALFORMED, detail);
    }
}
