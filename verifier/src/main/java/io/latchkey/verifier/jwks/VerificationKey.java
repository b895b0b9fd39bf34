package io.latchkey.verifier.jwks;

import io.latchkey.common.jose.JwsAlgorithm;
import java.security.PublicKey;

/**
 * A published signing key and the one algorithm it verifies, decided by the JWK itself ({@code kty}, {@code crv} and,
 * when present, {@code alg}), never by a token's header.
 */
public record VerificationKey(String kid, JwsAlgorithm algorithm, PublicKey key) {}
