package io.latchkey.keys.keys;

/** Where a signing key is in its life; see V5__signing_keys.sql for the times that decide it. */
public enum KeyState {
    /** Stored but not yet in the JWKS. */
    SCHEDULED,
    /** In the JWKS, not yet signing, so verifiers cache it before its first token. */
    PUBLISHED,
    /** Signs new tokens. */
    ACTIVE,
    /** Superseded; stays in the JWKS until its last token has expired. */
    RETIRED,
    /** Out of the JWKS after its retirement. */
    REMOVED,
    /** Revoked in an emergency: out of the JWKS at once and listed on the revocation feed. */
    REVOKED;

    public String wireName() {
        return name().toLowerCase();
    }
}
