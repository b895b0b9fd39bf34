package io.latchkey.verifier;

/**
 * The verifier cannot vouch for any token right now: it has not loaded the revocation list and the keys yet, or
 * it has heard nothing from the revocation feed for longer than the staleness bound. It fails closed (503) rather
 * than accept a token it might have been told to reject.
 */
public final class VerifierUnavailable extends RuntimeException {
    public VerifierUnavailable(String message) {
        super(message, null, false, false);
    }
}
