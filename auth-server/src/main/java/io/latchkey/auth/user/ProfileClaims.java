package io.latchkey.auth.user;

import io.vertx.core.json.JsonObject;
import java.util.Collection;

/**
 * The profile and email claims a set of granted scopes allows, for ID tokens and userinfo alike: scope
 * {@code profile} gives {@code name} (when set) and {@code preferred_username}; scope {@code email} gives
 * {@code email} and {@code email_verified} when the user has an address. Nothing else is released, and a claim
 * without a value is left out rather than sent as null.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#ScopeClaims">OpenID Connect Core 1.0
 *     §5.4</a>
 */
public final class ProfileClaims {
    public static final String PROFILE = "profile";
    public static final String EMAIL = "email";

    private ProfileClaims() {}

    public static JsonObject forScopes(UserProfile profile, Collection<String> scopes) {
        JsonObject claims = new JsonObject();
        if (scopes.contains(PROFILE)) {
            profile.name().ifPresent(name -> claims.put("name", name));
            claims.put("preferred_username", profile.preferredUsername());
        }
        if (scopes.contains(EMAIL)) {
            profile.email()
                    .ifPresent(email -> claims.put("email", email).put("email_verified", profile.emailVerified()));
        }
        return claims;
    }
}
