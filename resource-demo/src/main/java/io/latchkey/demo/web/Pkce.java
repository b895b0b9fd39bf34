package io.latchkey.demo.web;

/**
 * A PKCE pair: a random {@code code_verifier} (32 bytes, 43 base64url characters) kept server-side and its {@code
 * S256} {@code code_challenge} sent with the authorization request.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.1">RFC 7636 §4.1–4.2</a>
 */
public record Pkce(String verifier, String challenge) {
    public static final String METHOD = "S256";

    public static Pkce create() {
        String verifier = RandomValues.token();
        return new Pkce(verifier, challengeOf(verifier));
    }

    /** {@code BASE64URL(SHA256(ASCII(code_verifier)))}. */
    public static String challengeOf(String verifier) {
        return RandomValues.sha256(verifier);
    }
}
