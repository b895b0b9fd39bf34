package io.latchkey.keys.keys;

/**
 * What the key classes report as it happens, for whoever counts it (the service's metrics). The key classes call
 * it and know nothing more of the listener, so counting never reaches back into the key life.
 */
public interface KeyEvents {
    /** This replica stored a new signing key. */
    void generated();

    /** This replica revoked a signing key. */
    void revoked();

    /** A periodic re-read of the stored keys failed. */
    void refreshFailed();
}
