package io.latchkey.keys.keys;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;

/**
 * An opened private key ready to sign, with its JWS protected header already encoded (RFC 9068 §2.1: {@code alg}
 * RS256, {@code typ} at+jwt, {@code kid} the RFC 7638 thumbprint). {@link #toString()} never shows the key.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.1">RFC 9068 §2.1</a>
 */
public final class SigningKey {
    private final String kid;
    private final PrivateKey privateKey;
    private final String atJwtHeader;

    public SigningKey(String kid, PrivateKey privateKey) {
        this.kid = kid;
        this.privateKey = privateKey;
        String header = "{\"alg\":\"RS256\",\"typ\":\"at+jwt\",\"kid\":\"" + kid + "\"}";
        this.atJwtHeader =
                Base64.getUrlEncoder().withoutPadding().encodeToString(header.getBytes(StandardCharsets.UTF_8));
    }

    public String kid() {
        return kid;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /** The base64url-encoded protected header for an {@code at+jwt} token. */
    public String atJwtHeader() {
        return atJwtHeader;
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + "]";
    }
}
