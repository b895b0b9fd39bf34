package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.SigningAlgorithm;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * An opened private key ready to sign, with its JWS protected headers ({@code alg} its ring's, the {@code typ} of the
 * token, {@code kid} the RFC 7638 thumbprint) encoded once per {@code typ}. {@link #toString()} never shows the
 * key.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-4.1">RFC 7515 §4.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.1">RFC 9068 §2.1</a>
 */
public final class SigningKey {
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();

    private final String kid;
    private final SigningAlgorithm algorithm;
    private final PrivateKey privateKey;
    /** At most one entry per token type the service signs; it dies with the key. */
    private final Map<String, String> headers = new ConcurrentHashMap<>(4);

    public SigningKey(String kid, SigningAlgorithm algorithm, PrivateKey privateKey) {
        this.kid = kid;
        this.algorithm = algorithm;
        this.privateKey = privateKey;
    }

    public SigningAlgorithm algorithm() {
        return algorithm;
    }

    public String kid() {
        return kid;
    }

    public PrivateKey privateKey() {
        return privateKey;
    }

    /**
     * The base64url-encoded protected header {@code {"alg":alg,"typ":typ,"kid":kid}}. {@code typ} is one of the
     * service's own constants, never text from a request, so it needs no JSON escaping.
     */
    public String header(String typ) {
        return headers.computeIfAbsent(typ, this::encodeHeader);
    }

    private String encodeHeader(String typ) {
        String header = "{\"alg\":\"" + algorithm.name() + "\",\"typ\":\"" + typ + "\",\"kid\":\"" + kid + "\"}";
        return B64.encodeToString(header.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "SigningKey[kid=" + kid + ", alg=" + algorithm + "]";
    }
}
