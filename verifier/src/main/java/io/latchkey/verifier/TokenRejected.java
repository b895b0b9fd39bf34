package io.latchkey.verifier;

/**
 * A token that must not be accepted. The {@link Reason} is for logs and tests; clients only see the short
 * {@link #clientDescription()}, so a probe learns no more than "invalid", "expired" or "revoked". No stack trace is
 * captured: rejections are routine and must stay cheap.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</a>
 */
public final class TokenRejected extends RuntimeException {
    /** Why a token was rejected. */
    public enum Reason {
        MALFORMED,
        UNSUPPORTED_ALGORITHM,
        WRONG_TYPE,
        FORBIDDEN_HEADER,
        UNKNOWN_KEY,
        BAD_SIGNATURE,
        WRONG_ISSUER,
        WRONG_AUDIENCE,
        MISSING_CLAIM,
        EXPIRED,
        NOT_YET_VALID,
        ISSUED_IN_FUTURE,
        REVOKED,
        /** A DPoP-bound token ({@code cnf.jkt}) presented as a bearer token. */
        DPOP_BOUND,
        /** A token without {@code cnf.jkt} presented with the DPoP scheme. */
        NOT_DPOP_BOUND
    }

    private final Reason reason;

    public TokenRejected(Reason reason, String detail) {
        super(reason + ": " + detail, null, false, false);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The {@code error_description} a client receives. */
    public String clientDescription() {
        return switch (reason) {
            case EXPIRED -> "the access token expired";
            case REVOKED -> "the access token was revoked";
            case DPOP_BOUND -> "the access token is bound to a DPoP key and needs a DPoP proof";
            case NOT_DPOP_BOUND -> "the access token is not bound to a DPoP key";
            default -> "the access token is invalid";
        };
    }
}
