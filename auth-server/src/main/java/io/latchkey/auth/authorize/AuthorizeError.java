package io.latchkey.auth.authorize;

/**
 * Why an authorization request or one of its steps cannot go on. An error with a {@link Redirect} goes back to
 * the client (RFC 6749 §4.1.2.1); one without is shown to the user on an HTML page, because the client or its
 * redirect URI cannot be trusted (RFC 6749 §4.1.2.1, first paragraph) or the step itself is not the user's (a
 * browser without the interaction's cookie). {@code message} is written for the user and never holds input.
 */
public final class AuthorizeError extends RuntimeException {
    private final int status;
    private final String error;
    private final Redirect redirect;

    private AuthorizeError(int status, String error, String message, Redirect redirect) {
        super(message, null, false, false);
        this.status = status;
        this.error = error;
        this.redirect = redirect;
    }

    /** An HTML error page with this status; never a redirect. */
    public static AuthorizeError page(int status, String message) {
        return new AuthorizeError(status, null, message, null);
    }

    /** An error response to the client at {@code redirect}. */
    public static AuthorizeError redirect(Redirect redirect, String error, String description) {
        return new AuthorizeError(303, error, description, redirect);
    }

    public boolean redirects() {
        return redirect != null;
    }

    public int status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Redirect target() {
        return redirect;
    }
}
