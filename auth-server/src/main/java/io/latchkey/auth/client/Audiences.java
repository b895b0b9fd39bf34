package io.latchkey.auth.client;

import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A client's audience, the {@code aud} its tokens carry: one string or an array of strings (RFC 9068 §2.2, RFC
 * 7519 §4.1.3), kept in the form it was registered in. In Java it is a {@link String} or a {@link JsonArray} of
 * strings, so it goes into the claims and the admin API's answers as it came.
 *
 * <p>The {@code clients.audience} column (V2) is text of 1 to 255 characters. A string is stored as it is; an
 * array as its entries, each after a U+001F (unit separator). No audience contains that character (the admin API
 * refuses control characters), so a string reads back unchanged and an array of one stays an array.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 */
public final class Audiences {
    /** The longest stored form (V2's {@code clients_audience_length}). */
    public static final int MAX_STORED_LENGTH = 255;

    private static final char SEPARATOR = '\u001F';

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

    /** How many characters {@code entries} take stored as an array: one separator per entry. */
    public static int storedLength(List<String> entries) {
        return entries.stream().mapToInt(entry -> entry.length() + 1).sum();
    }

    static String toColumn(Object audience) {
        if (audience instanceof String s) {
            return s;
        }
        StringBuilder column = new StringBuilder();
        for (Object entry : (JsonArray) audience) {
            column.append(SEPARATOR).append((String) entry);
        }
        return column.toString();
    }

    static Object fromColumn(String column) {
        if (column.isEmpty() || column.charAt(0) != SEPARATOR) {
            return column;
        }
        String[] entries = column.substring(1).split(String.valueOf(SEPARATOR), -1);
        return new JsonArray(new ArrayList<>(Arrays.asList(entries)));
    }
}
