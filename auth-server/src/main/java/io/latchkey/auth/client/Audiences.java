package io.latchkey.auth.client;

import io.vertx.core.json.JsonArray;

/**
 * A client's audience, the {@code aud} its tokens carry: one string or an array of strings (RFC 9068 §2.2, RFC
 * 7519 §4.1.3), kept in the form it was registered in. In Java it is a {@link String} or a {@link JsonArray} of
 * strings, so it goes into the claims and the admin API's answers as it came.
 *
 * <p>The {@code clients.audience} column (V8) is {@code jsonb}: a string of 1 to 255 characters, or an array of 1
 * to {@value #MAX_ENTRIES} entries.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 */
public final class Audiences {
    /** The longest audience (a CHECK in V2, kept in V8). */
    public static final int MAX_LENGTH = 255;

    /** The most entries an array may have (a CHECK in V8): a token carries every one on every request. */
    public static final int MAX_ENTRIES = 16;

    private Audiences() {}

    /** {@code audience} itself when it is a string, or a copy of it when it is an array of strings. */
    public static Object checked(Object audience) {
        if (audience instanceof String) {
            return audience;
        }
        if (audience instanceof JsonArray array && array.stream().allMatch(String.class::isInstance)) {
            return array.copy();
        }
        throw new IllegalArgumentException("an audience is a string or an array of strings");
    }
}
