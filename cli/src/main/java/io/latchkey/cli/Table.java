package io.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A table for people: a header of upper-case column names, then one row per item, columns padded to their widest
 * cell and separated by two spaces. Cells are made printable (control characters become spaces), so a value a
 * user chose cannot garble the terminal.
 */
final class Table {
    private final List<String> headers = new ArrayList<>();
    private final List<Function<JsonNode, String>> cells = new ArrayList<>();

    /** A column showing member {@code field} as text. */
    Table column(String header, String field) {
        return column(header, node -> Json.text(node, field));
    }

    /** A column showing member {@code field} (epoch seconds) as an ISO-8601 UTC time. */
    Table time(String header, String field) {
        return column(header, node -> time(node.get(field)));
    }

    Table column(String header, Function<JsonNode, String> cell) {
        headers.add(header);
        cells.add(cell);
        return this;
    }

    static String time(JsonNode epochSeconds) {
        if (epochSeconds == null || !epochSeconds.canConvertToLong()) {
            return "";
        }
        return Instant.ofEpochSecond(epochSeconds.asLong()).toString();
    }

    void print(Iterable<JsonNode> items, PrintStream out) {
        List<String[]> rows = new ArrayList<>();
        rows.add(headers.toArray(String[]::new));
        for (JsonNode item : items) {
            String[] row = new String[cells.size()];
            for (int i = 0; i < row.length; i++) {
                row[i] = printable(cells.get(i).apply(item));
            }
            rows.add(row);
        }
        int[] widths = new int[headers.size()];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) {
                    line.append(" ".repeat(widths[i] - row[i].length() + 2));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    /** One object as {@code field: value} lines, in the object's order; nested values as compact JSON. */
    static void printObject(JsonNode object, PrintStream out) {
        int width = 0;
        for (var it = object.fieldNames(); it.hasNext(); ) {
            width = Math.max(width, it.next().length());
        }
        int pad = width;
        object.fields().forEachRemaining(field -> {
            JsonNode value = field.getValue();
            String shown;
            if (value.canConvertToLong() && field.getKey().endsWith("_at")) {
                shown = time(value);
            } else {
                shown = Json.text(object, field.getKey());
            }
            out.println(field.getKey() + ":" + " ".repeat(pad - field.getKey().length() + 1) + printable(shown));
        });
    }

    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            out.append(Character.isISOControl(c) ? ' ' : c);
        }
        return out.toString();
    }
}
