package io.latchkey.auth.admin;

import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;

/**
 * Admits admin API calls that carry a valid bearer access token with scope {@code admin} and the issuer in its
 * audience (the audience of {@code admin-cli}): 401 {@code invalid_token} otherwise (a token of scope {@code admin}
 * issued for another audience included), 403 {@code insufficient_scope} for a valid token without that scope. The caller's {@code client_id} is kept for the audit.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</a>
 */
public final class AdminAuthorization {
    private final AccessTokenVerifier verifier;
    private final String issuer;

    public AdminAuthorization(AccessTokenVerifier verifier, String issuer) {
        this.verifier = verifier;
        this.issuer = issuer;
    }

    /**
     * The caller's {@code client_id} (the actor of the audit rows), or a failed future with an {@link OAuthError}.
     *
     * @param header the request's {@code Authorization} header, or {@code null}
     */
    public Future<String> authorize(String header) {
        if (header == null || header.isBlank()) {
            return Future.failedFuture(OAuthError.missingToken());
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Future.failedFuture(OAuthError.invalidToken("The access token is malformed"));
        }
        return verifier.verify(header.substring(7).trim()).compose(verified -> {
            if (verified.isEmpty()) {
                return Future.failedFuture(OAuthError.invalidToken("The access token is invalid, expired or revoked"));
            }
            var claims = verified.get();
            if (claims.containsKey("cnf")) {
                // A DPoP-bound token is good only with a proof of its key (RFC 9449 §7.2); the admin API takes
                // Bearer tokens only, so a bound one, perhaps stolen, is refused here.
                return Future.failedFuture(OAuthError.invalidToken("A DPoP-bound token cannot be used as Bearer"));
            }
            if (!AccessTokenVerifier.scopes(claims).contains("admin")) {
                return Future.failedFuture(OAuthError.insufficientScope("admin"));
            }
            // An admin token meant for another audience is not a token for this API at all (RFC 6750 §3.1).
            if (!AccessTokenVerifier.hasAudience(claims, issuer)) {
                return Future.failedFuture(OAuthError.invalidToken("The access token is not meant for this server"));
            }
            return Future.succeededFuture(claims.getString("client_id"));
        });
    }
}
