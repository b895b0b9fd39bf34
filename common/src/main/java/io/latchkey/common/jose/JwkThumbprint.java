package io.latchkey.common.jose;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.TreeMap;

/**
 * The RFC 7638 JWK thumbprint with SHA-256: the key's required members only, in lexicographic order, no whitespace,
 * hashed and base64url-encoded. It is the {@code kid} of Latchkey's keys and the {@code jkt} of a DPoP key.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7638#section-3">RFC 7638 §3</a>
 */
public final class JwkThumbprint {
    private JwkThumbprint() {}

    public static String of(PublicJwk jwk) {
        StringBuilder json = new StringBuilder(128).append('{');
        // Every value is a base64url string or a fixed name: nothing to escape.
        new TreeMap<>(jwk.requiredMembers()).forEach((name, value) -> {
            if (json.length() > 1) {
                json.append(',');
            }
            json.append('"').append(name).append("\":\"").append(value).append('"');
        });
        json.append('}');
        return Base64Url.encode(sha256(json.toString().getBytes(StandardCharsets.UTF_8)));
    }

    static byte[] sha256(byte[] input) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(input);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
