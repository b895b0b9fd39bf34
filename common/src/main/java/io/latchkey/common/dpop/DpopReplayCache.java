package io.latchkey.common.dpop;

import java.time.Instant;

/**
 * Remembers the proofs already used, so each is accepted once (RFC 9449 §11.1). Call it only after every other
 * check passed, so forged proofs cannot fill it.
 */
public interface DpopReplayCache {
    /** True the first time this key's {@code jti} is seen within the {@code iat} window; false for a replay. */
    boolean firstUse(String jkt, String jti, Instant iat);
}
