package io.latchkey.auth.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Reads an {@code application/x-www-form-urlencoded} body strictly: at most 64 KiB (413), the right content
 * type, valid percent-encoding and UTF-8, and no parameter twice (400). Parameters sent without a value count
 * as omitted. A client that sends {@code Expect: 100-continue} is told to go on once the declared length fits.
 * The parsed form is stored in the routing context for the next handlers.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 */
public final class FormBody {
    public static final int LIMIT = 64 * 1024;
    private static final String KEY = "latchkey.form";

    private final Map<String, String> params;

    private FormBody(Map<String, String> params) {
        this.params = params;
    }

    /** The route handler: reads the body, then hands on or fails the context. */
    public static void read(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        String length = request.getHeader("Content-Length");
        if (length != null) {
            try {
                if (Long.parseLong(length.trim()) > LIMIT) {
                    ctx.fail(OAuthError.bodyTooLarge());
                    return;
                }
            } catch (NumberFormatException e) {
                ctx.fail(OAuthError.invalidRequest("Content-Length is malformed"));
                return;
            }
        }
        if (expectsContinue(request)) {
            // The client holds the body back until told to send it; without this it waits its own timeout
            // (a second for curl). A body declared too large was answered 413 above, before any 100.
            request.response().writeContinue();
        }
        Buffer body = Buffer.buffer();
        boolean[] done = {false};
        request.handler(chunk -> {
            if (done[0]) {
                return;
            }
            if (body.length() + chunk.length() > LIMIT) {
                done[0] = true;
                ctx.fail(OAuthError.bodyTooLarge());
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(e -> {
            if (!done[0]) {
                done[0] = true;
                ctx.fail(OAuthError.invalidRequest("The request body could not be read"));
            }
        });
        request.endHandler(v -> {
            if (done[0]) {
                return;
            }
            done[0] = true;
            try {
                ctx.put(KEY, parse(request.getHeader("Content-Type"), body.getBytes()));
                ctx.next();
            } catch (OAuthError e) {
                ctx.fail(e);
            }
        });
        request.resume();
    }

    /** An HTTP/1.1 request with {@code Expect: 100-continue}; HTTP/1.0 ones must be ignored (RFC 9110 §10.1.1). */
    private static boolean expectsContinue(HttpServerRequest request) {
        String expect = request.getHeader("Expect");
        return expect != null
                && expect.trim().equalsIgnoreCase("100-continue")
                && request.version() != HttpVersion.HTTP_1_0;
    }

    public static FormBody of(RoutingContext ctx) {
        FormBody form = ctx.get(KEY);
        return form == null ? new FormBody(Map.of()) : form;
    }

    /** A form with no parameters, for callers that authenticate a client from its headers alone. */
    public static FormBody empty() {
        return new FormBody(Map.of());
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
            } else if (c > 0x7f) {
                // Raw non-ASCII bytes arrive as ISO-8859-1 chars here; re-encode them and let UTF-8 decide.
                out.write(c);
            } else {
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

    public MultiMap asMultiMap() {
        MultiMap map = MultiMap.caseInsensitiveMultiMap();
        params.forEach(map::add);
        return map;
    }

    private static String safeName(String name) {
        return name.matches("[A-Za-z0-9_.-]{1,64}") ? name : "(unnamed)";
    }
}
