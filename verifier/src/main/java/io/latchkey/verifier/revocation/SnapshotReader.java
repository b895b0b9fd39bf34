package io.latchkey.verifier.revocation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Reads a {@code GET /revocations} answer token by token, handing over each entry as soon as it is read, so a
 * million-entry snapshot never exists as a tree of JSON objects (which took most of a verifier's start and several
 * times the list's own heap). Each entry is still checked by {@link RevocationEntry#from}; fields it does not know
 * are skipped, as a tree would have ignored them.
 */
final class SnapshotReader {
    private static final JsonFactory JSON = new JsonFactory();
    private static final Set<String> KNOWN_FIELDS = Set.of("seq", "type", "value", "not_before", "expires_at");

    private SnapshotReader() {}

    /**
     * Hands every entry of {@code body} to {@code each}, in order, and returns its {@code last_seq}; throws {@link
     * IllegalArgumentException} when the body is not such an answer (an entry before that point may have been
     * handed over).
     */
    static long read(Buffer body, Consumer<RevocationEntry> each) {
        try (JsonParser parser = JSON.createParser(body.getBytes())) {
            expect(parser.nextToken(), JsonToken.START_OBJECT);
            boolean sawEntries = false;
            Long lastSeq = null;
            while (parser.nextToken() == JsonToken.FIELD_NAME) {
                String field = parser.currentName();
                JsonToken value = parser.nextToken();
                if ("entries".equals(field)) {
                    expect(value, JsonToken.START_ARRAY);
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        each.accept(RevocationEntry.from(entry(parser)));
                    }
                    sawEntries = true;
                } else if ("last_seq".equals(field)) {
                    expect(value, JsonToken.VALUE_NUMBER_INT);
                    lastSeq = parser.getLongValue();
                } else {
                    parser.skipChildren();
                }
            }
            if (!sawEntries || lastSeq == null) {
                throw new IllegalArgumentException("revocation list lacks entries or last_seq");
            }
            return lastSeq;
        } catch (IOException e) {
            throw new IllegalArgumentException("revocation list is not valid JSON");
        }
    }

    /** One entry object, its fields with the JSON kinds they came in (so a wrong kind is refused as before). */
    private static JsonObject entry(JsonParser parser) throws IOException {
        expect(parser.currentToken(), JsonToken.START_OBJECT);
        JsonObject entry = new JsonObject();
        while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String field = parser.currentName();
            switch (parser.nextToken()) {
                case VALUE_STRING -> entry.put(field, parser.getText());
                case VALUE_NUMBER_INT -> entry.put(field, parser.getLongValue());
                case VALUE_NUMBER_FLOAT -> entry.put(field, parser.getDoubleValue());
                case VALUE_TRUE, VALUE_FALSE -> entry.put(field, parser.getBooleanValue());
                case VALUE_NULL -> entry.putNull(field);
                default -> {
                    // No field of an entry is an object or an array; a field this verifier does not know may be.
                    if (KNOWN_FIELDS.contains(field)) {
                        throw new IllegalArgumentException("revocation entry field of the wrong type");
                    }
                    parser.skipChildren();
                }
            }
        }
        return entry;
    }

    private static void expect(JsonToken actual, JsonToken expected) {
        if (actual != expected) {
            throw new IllegalArgumentException("revocation list: expected " + expected + ", found " + actual);
        }
    }
}
