package io.latchkey.common.dpop;

/**
 * A DPoP proof that fails a check of RFC 9449 §4.3. {@link #error()} is the error code to answer with:
 * {@code invalid_dpop_proof} for every rule, {@code use_dpop_nonce} when the server's nonce is missing or stale. The
 * message is a short reason that quotes nothing from the proof, fit for a log line and an {@code error_description}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-7.1">RFC 9449 §7.1</a>
 */
public final class DpopProofRejected extends RuntimeException {
    public static final String INVALID_DPOP_PROOF = "invalid_dpop_proof";
    public static final String USE_DPOP_NONCE = "use_dpop_nonce";

    /** Which rule failed; a metric label and a way for tests to tell the rules apart. */
    public enum Reason {
        MALFORMED,
        WRONG_TYPE,
        UNSUPPORTED_ALGORITHM,
        BAD_KEY,
        BAD_SIGNATURE,
        WRONG_METHOD,
        WRONG_URI,
        IAT_OUT_OF_WINDOW,
        BAD_JTI,
        WRONG_ATH,
        REPLAYED,
        KEY_MISMATCH,
        NONCE
    }

    private final Reason reason;

    public DpopProofRejected(Reason reason, String message) {
        super(message, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The RFC 9449 error code for this failure. */
    public String error() {
        return reason == Reason.NONCE ? USE_DPOP_NONCE : INVALID_DPOP_PROOF;
    }
}
