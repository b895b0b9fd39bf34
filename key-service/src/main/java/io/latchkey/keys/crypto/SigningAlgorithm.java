package io.latchkey.keys.crypto;

import java.util.Optional;

/**
 * The JWS algorithms key-service signs with, one key ring each. RS256 is always present (RFC 9068 §2.1 makes it
 * the one every verifier supports); ES256 signs with P-256 keys, its signatures in the JOSE form R‖S.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7518#section-3.1">RFC 7518 §3.1</a>
 */
public enum SigningAlgorithm {
    RS256("RSA", "SHA256withRSA", 7240200L),
    ES256("EC", "SHA256withECDSA", 7240201L);

    private final String keyType;
    private final String jcaSignature;
    private final long generationLock;

    SigningAlgorithm(String keyType, String jcaSignature, long generationLock) {
        this.keyType = keyType;
        this.jcaSignature = jcaSignature;
        this.generationLock = generationLock;
    }

    /** The JWK {@code kty} of this algorithm's keys, also the JCA key algorithm name. */
    public String keyType() {
        return keyType;
    }

    /** The JCA signature algorithm; for ES256 it yields DER, turned into R‖S by {@link EcdsaSignatures}. */
    public String jcaSignature() {
        return jcaSignature;
    }

    /**
     * The PostgreSQL advisory lock under which this ring adds or revokes keys: RS256 keeps the one it always had
     * (7240200), so replicas of an older version and this one still exclude each other.
     */
    public long generationLock() {
        return generationLock;
    }

    /** The algorithm named exactly {@code name}, if there is one. */
    public static Optional<SigningAlgorithm> named(Object name) {
        for (SigningAlgorithm alg : values()) {
            if (alg.name().equals(name)) {
                return Optional.of(alg);
            }
        }
        return Optional.empty();
    }

    /** The algorithm of a JWK's {@code kty}. */
    public static Optional<SigningAlgorithm> ofKeyType(Object kty) {
        for (SigningAlgorithm alg : values()) {
            if (alg.keyType.equals(kty)) {
                return Optional.of(alg);
            }
        }
        return Optional.empty();
    }
}
