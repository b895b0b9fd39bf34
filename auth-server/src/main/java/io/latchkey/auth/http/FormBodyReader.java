package io.latchkey.auth.http;

import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads an {@code application/x-www-form-urlencoded} request body into a {@link FormBody}: at most 64 KiB (413),
 * then parsed strictly (400). A client that sends {@code Expect: 100-continue} is told to go on once the declared
 * length fits. The parsed form is stored in the routing context for the next handlers.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 */
public final class FormBodyReader {
    public static final int LIMIT = 64 * 1024;
    private static final String KEY = "latchkey.form";

    private FormBodyReader() {}

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
            FormBody form;
            try {
                form = FormBody.parse(request.getHeader("Content-Type"), body.getBytes());
            } catch (OAuthError e) {
                ctx.fail(e);
                return;
            }
            ctx.put(KEY, form);
            ctx.next();
        });
        request.resume();
    }

    /** The form {@link #read} stored, or an empty one when no body was read. */
    public static FormBody of(RoutingContext ctx) {
        FormBody form = ctx.get(KEY);
        return form == null ? FormBody.empty() : form;
    }

    /** An HTTP/1.1 request with {@code Expect: 100-continue}; HTTP/1.0 ones must be ignored (RFC 9110 §10.1.1). */
    private static boolean expectsContinue(HttpServerRequest request) {
        String expect = request.getHeader("Expect");
        return expect != null
                && expect.trim().equalsIgnoreCase("100-continue")
                && request.version() != HttpVersion.HTTP_1_0;
    }
}
