package io.latchkey.common.jose;

import java.util.Optional;

/**
 * The JWS algorithms Latchkey verifies. Anything else, {@code none} and the HMAC family in particular, has no constant
 * here, so it can never be chosen by a header. An algorithm {@linkplain #fits fits} only one kind of key, which pins
 * it: an ES256 header over an RSA key (or the reverse) is refused before any signature is checked.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.1">RFC 7518 §3.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8037#section-3.1">RFC 8037 §3.1 (EdDSA)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9864">RFC 9864 (the fully specified name Ed25519)</a>
 */
public enum JwsAlgorithm {
    /** ECDSA on P-256 with SHA-256, signature R‖S of 64 bytes. */
    ES256("ES256"),
    /** RSASSA-PKCS1-v1_5 with SHA-256, RSA keys of at least 2048 bits. */
    RS256("RS256"),
    /** EdDSA with Ed25519 keys; the header may say {@code EdDSA} or {@code Ed25519}. */
    EdDSA("EdDSA");

    private final String jwsName;

    JwsAlgorithm(String jwsName) {
        this.jwsName = jwsName;
    }

    /** The name written in a JOSE header or a JWK's {@code alg}. */
    public String jwsName() {
        return jwsName;
    }

    /** The algorithm a header's {@code alg} names; empty for {@code none}, HS256, a non-string and anything unknown. */
    public static Optional<JwsAlgorithm> fromHeader(Object alg) {
        if (!(alg instanceof String name)) {
            return Optional.empty();
        }
        return switch (name) {
            case "RS256" -> Optional.of(RS256);
            case "ES256" -> Optional.of(ES256);
            case "EdDSA", "Ed25519" -> Optional.of(EdDSA);
            default -> Optional.empty();
        };
    }

    /** {@link #fromHeader(Object)} for a string. */
    public static Optional<JwsAlgorithm> fromHeader(String alg) {
        return fromHeader((Object) alg);
    }

    /**
     * True when {@code jwk} is a key of this algorithm's type and, when the key names an {@code alg}, it names this
     * one: RS256 with RSA, ES256 with EC P-256, EdDSA with OKP Ed25519.
     */
    public boolean fits(PublicJwk jwk) {
        boolean type =
                switch (this) {
                    case RS256 -> "RSA".equals(jwk.kty());
                    case ES256 -> "EC".equals(jwk.kty()) && "P-256".equals(jwk.crv());
                    case EdDSA -> "OKP".equals(jwk.kty()) && "Ed25519".equals(jwk.crv());
                };
        return type && jwk.alg().map(a -> fromHeader(a).orElse(null) == this).orElse(true);
    }
}
