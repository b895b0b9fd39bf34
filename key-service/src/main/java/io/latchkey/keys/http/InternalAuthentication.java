package io.latchkey.keys.http;

import io.latchkey.keys.api.ApiError;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Admits a request to the internal listener only with {@code Authorization: Bearer <internal secret>}. Both
 * sides are hashed before a constant-time comparison, so neither the content nor the length of the secret leaks
 * through timing.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class InternalAuthentication implements Handler<RoutingContext> {
    private static final String PREFIX = "Bearer ";

    private final byte[] expectedDigest;

    public InternalAuthentication(String internalSecret) {
        this.expectedDigest = sha256(internalSecret);
    }

    @Override
    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        boolean ok = header != null
                && header.regionMatches(true, 0, PREFIX, 0, PREFIX.length())
                && MessageDigest.isEqual(expectedDigest, sha256(header.substring(PREFIX.length())));
        if (ok) {
            ctx.next();
        } else {
            ctx.fail(ApiError.unauthorized());
        }
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
