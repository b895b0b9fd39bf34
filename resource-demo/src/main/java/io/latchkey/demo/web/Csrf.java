package io.latchkey.demo.web;

/**
 * The check every state-changing form post passes: the session's CSRF token in the form field {@link #FIELD}
 * (synchronizer token, compared in constant time) and, when the browser sends an {@code Origin}, the app's own origin.
 * The session cookie's {@code SameSite=Lax} already keeps it off cross-site posts; this holds without it too.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-10.12">RFC 6749 §10.12</a>
 */
public final class Csrf {
    public static final String FIELD = "csrf";

    private Csrf() {}

    /**
     * Whether a form post carries the session's token and, if the browser named it, comes from {@code appOrigin}.
     */
    public static boolean accepts(String sessionToken, String presentedToken, String originHeader, String appOrigin) {
        if (originHeader != null && !originHeader.equals(appOrigin)) {
            return false;
        }
        return RandomValues.sameSecret(sessionToken, presentedToken);
    }
}
