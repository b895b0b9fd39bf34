package io.latchkey.auth.admin;

import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Admits admin API calls that carry a valid bearer access token with scope {@code admin} and the issuer in its
 * audience (the audience of {@code admin-cli}): 401 {@code invalid_token} otherwise (a token of scope {@code admin}
 * issued for another audience included), 403 {@code insufficient_scope} for a valid token without that scope. The
 * caller's {@code client_id} is kept for the audit.
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
     * Why a valid token is refused: without scope {@code admin}, 403 {@code insufficient_scope}; with it but for
     * another audience, the token is not meant for this API at all, 401 {@code invalid_token} (RFC 6750 §3.1).
     */
    private OAuthError refusal(JsonObject claims) {
        if (AccessTokenVerifier.scopes(claims).contains("admin") && !AccessTokenVerifier.hasAudience(claims, issuer)) {
            return OAuthError.invalidToken("The access token is not meant for this server");
        }
        return OAuthError.insufficientScope("admin");
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
            if (!AccessTokenVerifier.hasAudience(claims, issuer)
                    || !AccessTokenVerifier.scopes(claims).contains("admin")) {
                return Future.failedFuture(refusal(claims));
            }
            return Future.succeededFuture(claims.getString("client_id"));
        });
    }
}
