package io.latchkey.demo.web;

/**
 * Why a sign-in did not complete; each reason has its own page, and every one of them offers to sign in again.
 * {@code error} and {@code description} are the authorization server's when it sent an error response.
 */
public final class SignInProblem extends RuntimeException {
    /** What went wrong. */
    public enum Reason {
        /** No sign-in under way in this browser with that state: expired, used already, or started elsewhere. */
        UNKNOWN_STATE,
        /** The response names another issuer than the one the app signs in with (RFC 9207 mix-up defence). */
        WRONG_ISSUER,
        /** The authorization server answered with an error (the user declined, for example). */
        DENIED,
        /** The response is not a well-formed authorization response. */
        MALFORMED,
        /** The code was refused, or the token response was not usable. */
        FAILED,
        /**
         * The ID token did not check out for this sign-in: its signature, issuer, audience, times, {@code nonce} or
         * {@code at_hash}. A code injected from another sign-in ends here.
         */
        REJECTED,
        /** The authorization server or the API could not be reached. */
        UNAVAILABLE,
        /** Too many sign-ins or sessions at once. */
        BUSY
    }

    private final Reason reason;
    private final String error;
    private final String description;

    public SignInProblem(Reason reason, String detail) {
        this(reason, null, null, detail, null);
    }

    public SignInProblem(Reason reason, String detail, Throwable cause) {
        this(reason, null, null, detail, cause);
    }

    private SignInProblem(Reason reason, String error, String description, String detail, Throwable cause) {
        super(reason + ": " + detail, cause, false, false);
        this.reason = reason;
        this.error = error;
        this.description = description;
    }

    /** The authorization server's error response. */
    public static SignInProblem denied(String error, String description) {
        return new SignInProblem(Reason.DENIED, error, description, "error " + error, null);
    }

    public Reason reason() {
        return reason;
    }

    /** The RFC 6749 §4.1.2.1 {@code error}, for {@link Reason#DENIED}. */
    public String error() {
        return error;
    }

    /** The {@code error_description}, for {@link Reason#DENIED}, when sent. */
    public String description() {
        return description;
    }
}
