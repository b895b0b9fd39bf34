package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.PublicJwk;
import io.latchkey.keys.crypto.SigningAlgorithm;
import java.time.Instant;

/**
 * One row of {@code signing_keys} without its sealed private key. Its state at any instant follows from the
 * stored times alone, so every replica reading the same rows agrees on it.
 */
public record KeyRecord(
        String kid,
        int keySize,
        PublicJwk jwk,
        String kekFingerprint,
        Instant publishAt,
        Instant activateAt,
        Instant retiredAt,
        Instant removeAt,
        Instant revokedAt) {

    /** The algorithm, and so the ring, of this key: its JWK's key type decides it. */
    public SigningAlgorithm algorithm() {
        return jwk.algorithm();
    }

    public KeyState stateAt(Instant now) {
        if (revokedAt != null) {
            return KeyState.REVOKED;
        }
        if (removeAt != null && !now.isBefore(removeAt)) {
            return KeyState.REMOVED;
        }
        if (retiredAt != null && !now.isBefore(retiredAt)) {
            return KeyState.RETIRED;
        }
        if (!now.isBefore(activateAt)) {
            return KeyState.ACTIVE;
        }
        if (!now.isBefore(publishAt)) {
            return KeyState.PUBLISHED;
        }
        return KeyState.SCHEDULED;
    }

    /** Whether the key belongs in the JWKS at {@code now}: published, not yet removed, never revoked. */
    public boolean publishedAt(Instant now) {
        KeyState state = stateAt(now);
        return state == KeyState.PUBLISHED || state == KeyState.ACTIVE || state == KeyState.RETIRED;
    }

    /** Whether the key may still sign at some instant from {@code now} on, so its private key is worth opening. */
    public boolean maySignFrom(Instant now) {
        return revokedAt == null && (retiredAt == null || now.isBefore(retiredAt));
    }
}
