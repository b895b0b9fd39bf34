package io.latchkey.auth.oauth;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The parameters of an {@code application/x-www-form-urlencoded} request body, parsed strictly: the right content
 * type, valid percent-encoding and UTF-8, no NUL, and no parameter twice (400 {@code invalid_request}). Parameters
 * sent without a value count as omitted. A plain value: the HTTP layer reads the bytes, everything after it sees
 * only this.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#appendix-B">RFC 6749 Appendix B</a>
 */
public final class FormBody {
    private static final FormBody EMPTY = new FormBody(Map.of());

    private final Map<String, String> params;

    private FormBody(Map<String, String> params) {
        this.params = params;
    }

    /** A form with no parameters, for callers that authenticate a client from its headers alone. */
    public static FormBody empty() {
        return EMPTY;
    }

    /** Parses a body with its content type; a form with no body at all is an empty form. */
    public static FormBody parse(String contentType, byte[] body) {
        if (contentType == null
                || !contentType.split(";", 2)[0].trim().equalsIgnoreCase("application/x-www-form-urlencoded")) {
            throw OAuthError.invalidRequest("The content type must be application/x-www-form-urlencoded");
        }
        Map<String, String> params = new LinkedHashMap<>();
        if (body.length == 0) {
            return new FormBody(params);
        }
        String ascii = new String(body, StandardCharsets.ISO_8859_1);
        for (String pair : ascii.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (name.isEmpty()) {
                throw OAuthError.invalidRequest("A parameter has no name");
            }
            if (params.containsKey(name)) {
                throw OAuthError.invalidRequest("The parameter " + safeName(name) + " is repeated");
            }
            params.put(name, value);
        }
        return new FormBody(params);
    }

    /** Form-url-decodes one component strictly (also used for Basic credentials, RFC 6749 §2.3.1). */
    public static String decode(String encoded) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(encoded.length());
        for (int i = 0; i < encoded.length(); i++) {
            char c = encoded.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= encoded.length()) {
                    throw OAuthError.invalidRequest("The request has a malformed percent-encoding");
                }
                int hi = Character.digit(encoded.charAt(i + 1), 16);
                int lo = Character.digit(encoded.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw OAuthError.invalidRequest("The request has a malformed percent-encoding");
                }
                out.write(hi * 16 + lo);
                i += 2;
            } else {
                // Raw non-ASCII bytes arrive as ISO-8859-1 chars here: written back as bytes, UTF-8 decides below.
                out.write(c);
            }
        }
        try {
            String decoded = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(out.toByteArray()))
                    .toString();
            // PostgreSQL text cannot hold NUL, and no OAuth parameter needs it.
            if (decoded.indexOf('\u0000') >= 0) {
                throw OAuthError.invalidRequest("The request contains a NUL character");
            }
            return decoded;
        } catch (CharacterCodingException e) {
            throw OAuthError.invalidRequest("The request is not valid UTF-8");
        }
    }

    /** The parameter's value, or empty when absent or sent without a value (RFC 6749 §3.1). */
    public Optional<String> optional(String name) {
        String value = params.get(name);
        return value == null || value.isEmpty() ? Optional.empty() : Optional.of(value);
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> OAuthError.invalidRequest("The parameter " + name + " is required"));
    }

    /** The parameters form-url-encoded again, for sending the same request on as a query string. */
    public String encoded() {
        StringBuilder out = new StringBuilder();
        params.forEach((name, value) -> {
            if (!out.isEmpty()) {
                out.append('&');
            }
            out.append(URLEncoder.encode(name, StandardCharsets.UTF_8))
                    .append('=')
                    .append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        });
        return out.toString();
    }

    private static String safeName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,64}") ? name : "(unnamed)";
    }
}
