package io.latchkey.auth.http;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads a request body as one JSON object, refusing what a lenient parser would let through: a member named twice
 * in one object (RFC 8259 §4 leaves which one wins to the parser, so a proxy and this server could read different
 * values) and a string that is not valid Unicode (an escaped lone surrogate, which PostgreSQL would store as
 * {@code ?}).
 */
final class StrictJson {
    private static final JsonFactory FACTORY = new JsonFactory();

    private StrictJson() {}

    /** The body as a JSON object; {@code invalid_request} for anything else. */
    static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            throw OAuthError.invalidRequest("The body must be a JSON object");
        }
        check(body.getBytes());
        try {
            // The checks passed: the standard decoder now reads exactly what was checked.
            return new JsonObject(body);
        } catch (DecodeException e) {
            throw OAuthError.invalidRequest("The body is not valid JSON");
        }
    }

    private static void check(byte[] body) {
        try (JsonParser parser = FACTORY.createParser(body)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                throw OAuthError.invalidRequest("The body must be a JSON object");
            }
            // One set of member names per open object; null for an open array.
            Deque<Set<String>> open = new ArrayDeque<>();
            open.push(new HashSet<>());
            JsonToken token;
            while ((token = parser.nextToken()) != null) {
                if (open.isEmpty()) {
                    throw OAuthError.invalidRequest("The body is not valid JSON"); // a second value after the object
                }
                switch (token) {
                    case START_OBJECT -> open.push(new HashSet<>());
                    case START_ARRAY -> open.push(Set.of());
                    case END_OBJECT, END_ARRAY -> open.pop();
                    case FIELD_NAME -> {
                        String name = parser.currentName();
                        requireUnicode(name, "A member name is not valid Unicode");
                        if (!open.peek().add(name)) {
                            throw OAuthError.invalidRequest(
                                    "The body repeats the member " + printable(name, "(a repeated name)"));
                        }
                    }
                    case VALUE_STRING ->
                        requireUnicode(
                                parser.getText(),
                                "The member " + printable(member(parser), "(unprintable)") + " is not valid Unicode");
                    default -> {
                        // Numbers, booleans and null carry no text to check.
                    }
                }
            }
        } catch (IOException e) {
            throw OAuthError.invalidRequest("The body is not valid JSON");
        }
    }

    /** The name of the member a value belongs to, through any arrays around it; null at the top. */
    private static String member(JsonParser parser) {
        for (JsonStreamContext c = parser.getParsingContext(); c != null; c = c.getParent()) {
            if (c.getCurrentName() != null) {
                return c.getCurrentName();
            }
        }
        return null;
    }

    private static void requireUnicode(String text, String refusal) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw OAuthError.invalidRequest(refusal);
            }
        }
    }

    /** A member name fit for an error description: short, and only printable ASCII. */
    private static String printable(String name, String otherwise) {
        return name != null && name.length() <= 64 && name.chars().allMatch(c -> c >= 0x20 && c < 0x7f)
                ? name
                : otherwise;
    }
}
