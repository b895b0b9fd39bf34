package io.latchkey.keys.jwks;

import io.latchkey.keys.keys.KeyRecord;
import io.latchkey.keys.keys.KeyRings;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;

/**
 * The public JWKS at an instant, every ring's published keys (each with its {@code alg}), rendered once per distinct key set with a strong ETag over its bytes. Only
 * public parameters are ever rendered: {@link io.latchkey.keys.crypto.PublicJwk} holds no others.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 */
public final class JwksDocument {
    private final KeyRings rings;
    private volatile Rendered last = new Rendered(List.of(), null, null);

    public JwksDocument(KeyRings rings) {
        this.rings = rings;
    }

    /** The body and its ETag. */
    public record Rendered(List<String> kids, String body, String etag) {}

    public Rendered current() {
        List<KeyRecord> published = rings.publishedAt(rings.now());
        List<String> kids = published.stream().map(KeyRecord::kid).toList();
        Rendered cached = last;
        if (cached.body() != null && cached.kids().equals(kids)) {
            return cached;
        }
        JsonArray keys = new JsonArray();
        for (KeyRecord key : published) {
            keys.add(key.jwk().toJwksEntry(key.kid()));
        }
        String body = new JsonObject().put("keys", keys).encode();
        Rendered rendered = new Rendered(kids, body, etag(body));
        last = rendered;
        return rendered;
    }

    private static String etag(String body) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body.getBytes(StandardCharsets.UTF_8));
            return "\""
                    + Base64.getUrlEncoder()
                            .withoutPadding()
                            .encodeToString(digest)
                            .substring(0, 27) + "\"";
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }
}
