package io.latchkey.auth.user;

import java.util.Objects;
import java.util.Optional;

/**
 * What a user's OpenID Connect claims are made of (see {@link ProfileClaims}): the optional {@code name}, the
 * username as {@code preferred_username}, and the optional {@code email} with whether it was verified. Read apart
 * from {@link User}, so the login path reads none of it. Only an address can be verified.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims">OpenID Connect Core 1.0
 *     §5.1</a>
 */
public record UserProfile(
        Optional<String> name, String preferredUsername, Optional<String> email, boolean emailVerified) {
    public UserProfile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(preferredUsername, "preferredUsername");
        Objects.requireNonNull(email, "email");
        if (emailVerified && email.isEmpty()) {
            throw new IllegalArgumentException("only an email address can be verified");
        }
    }
}
