package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.PublicJwk;

/** A freshly generated key, sealed and ready to store; its times are decided under the generation lock. */
public record NewKey(String kid, int keySize, PublicJwk jwk, byte[] sealedPrivateKey, String kekFingerprint) {}
