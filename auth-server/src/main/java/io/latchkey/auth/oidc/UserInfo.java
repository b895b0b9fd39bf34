package io.latchkey.auth.oidc;

import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.UUID;
import java.util.function.Function;

/**
 * The UserInfo endpoint's work: an access token of this issuer, valid and not revoked, whose scope holds {@code
 * openid}, answers {@code sub} and the claims its scopes allow. A user token only: a client_credentials token has
 * no user to describe. The caller is told what failed only as RFC 6750 allows.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#UserInfo">OpenID Connect Core §5.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-3.1">RFC 6750 §3.1</a>
 */
public final class UserInfo {
    static final String INVALID = "The access token is invalid, expired or revoked";

    private final AccessTokenVerifier verifier;
    private final ProfileClaimsSource profiles;

    public UserInfo(AccessTokenVerifier verifier, ProfileClaimsSource profiles) {
        this.verifier = verifier;
        this.profiles = profiles;
    }

    /** The claims, with the token's {@code client_id} (for CORS) beside them. */
    public record Answer(String clientId, JsonObject claims) {}

    public Future<Answer> answer(String accessToken) {
        return answer(accessToken, claims -> Future.succeededFuture());
    }

    /**
     * As {@link #answer(String)}, with {@code presentation} judging how the verified token was presented (its DPoP
     * binding) before anything else is looked at; its failure is the answer.
     */
    public Future<Answer> answer(String accessToken, Function<JsonObject, Future<Void>> presentation) {
        return verifier.verify(accessToken).compose(verified -> {
            if (verified.isEmpty() || verified.get().getValue("sid") == null) {
                return Future.failedFuture(OAuthError.invalidToken(INVALID));
            }
            return presentation.apply(verified.get()).compose(v -> answerVerified(verified.get()));
        });
    }

    private Future<Answer> answerVerified(JsonObject claims) {
        if (!AccessTokenVerifier.scopes(claims).contains("openid")) {
            return Future.failedFuture(OAuthError.insufficientScope("openid"));
        }
        UUID user;
        try {
            user = UUID.fromString(claims.getString("sub"));
        } catch (RuntimeException e) {
            return Future.failedFuture(OAuthError.invalidToken(INVALID));
        }
        return profiles.claims(user, claims.getString("scope"))
                .map(profile -> new Answer(
                        claims.getString("client_id"),
                        new JsonObject().put("sub", user.toString()).mergeIn(profile)));
    }
}
