package io.latchkey.keys.sign;

import io.latchkey.keys.api.ApiError;

/**
 * The kinds of token {@code /internal/sign} signs, named on the wire by the JWS {@code typ} the service writes
 * into the header: each has bounds of its own in {@link ClaimBounds}, and the explicit {@code typ} keeps a
 * verifier of one kind from accepting another (RFC 8725 §3.11). Any other {@code typ} is refused.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.1">RFC 9068 §2.1 (at+jwt)</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDToken">OpenID Connect Core §2 (ID
 *     token)</a>
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#LogoutToken">Back-Channel Logout
 *     1.0 §2.4 (logout+jwt)</a>
 */
public enum TokenType {
    /** An RFC 9068 access token. */
    ACCESS_TOKEN("at+jwt"),
    /** An OpenID Connect ID token. */
    ID_TOKEN("JWT"),
    /** A Back-Channel Logout token. */
    LOGOUT_TOKEN("logout+jwt");

    private final String typ;

    TokenType(String typ) {
        this.typ = typ;
    }

    /** The {@code typ} as the request names it and as the signed header carries it. */
    public String typ() {
        return typ;
    }

    /**
     * The type a request's {@code typ} names, compared exactly (our own callers write these constants), or an
     * {@code invalid_request} that does not repeat what was sent.
     */
    public static TokenType of(Object typ) {
        for (TokenType type : values()) {
            if (type.typ.equals(typ)) {
                return type;
            }
        }
        throw ApiError.invalidRequest("typ must be at+jwt, JWT or logout+jwt");
    }
}
