package io.latchkey.auth.admin;

import io.latchkey.auth.http.OAuthError;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.vertx.ext.web.RoutingContext;

/**
 * Admits admin API calls that carry a valid bearer access token with scope {@code admin} and the issuer in its
 * audience (the audience of {@code admin-cli}): 401 {@code invalid_token} otherwise, 403 {@code
 * insufficient_scope} for a valid token without them. The caller's {@code client_id} is kept for the audit.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</a>
 */
public final class AdminAuthorization {
    public static final String ACTOR = "latchkey.admin.actor";

    private final AccessTokenVerifier verifier;
    private final String issuer;

    public AdminAuthorization(AccessTokenVerifier verifier, String issuer) {
        this.verifier = verifier;
        this.issuer = issuer;
    }

    public void handle(RoutingContext ctx) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            ctx.fail(OAuthError.missingToken());
            return;
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            ctx.fail(OAuthError.invalidToken("The access token is malformed"));
            return;
        }
        verifier.verify(header.substring(7).trim()).onComplete(ar -> {
            if (ar.failed()) {
                ctx.fail(ar.cause());
            } else if (ar.result().isEmpty()) {
                ctx.fail(OAuthError.invalidToken("The access token is invalid, expired or revoked"));
            } else {
                var claims = ar.result().get();
                if (!AccessTokenVerifier.hasAudience(claims, issuer)
                        || !AccessTokenVerifier.scopes(claims).contains("admin")) {
                    ctx.fail(OAuthError.insufficientScope("admin"));
                    return;
                }
                ctx.put(ACTOR, claims.getString("client_id"));
                ctx.next();
            }
        });
    }
}
