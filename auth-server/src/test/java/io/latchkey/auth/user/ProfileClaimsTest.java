package io.latchkey.auth.user;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ProfileClaimsTest {
    private static final UserProfile FULL =
            new UserProfile(Optional.of("Alice Example"), "alice", Optional.of("alice@example.com"), true);
    private static final UserProfile BARE = new UserProfile(Optional.empty(), "bob", Optional.empty(), false);

    @Test
    void forScopesWhenProfileGrantedThenNameAndPreferredUsername() {
        assertEquals(
                new JsonObject().put("name", "Alice Example").put("preferred_username", "alice"),
                ProfileClaims.forScopes(FULL, List.of("openid", "profile")));
    }

    @Test
    void forScopesWhenEmailGrantedThenEmailAndEmailVerified() {
        assertEquals(
                new JsonObject().put("email", "alice@example.com").put("email_verified", true),
                ProfileClaims.forScopes(FULL, List.of("openid", "email")));
        UserProfile unverified = new UserProfile(Optional.empty(), "carol", Optional.of("carol@example.com"), false);
        assertEquals(
                new JsonObject().put("email", "carol@example.com").put("email_verified", false),
                ProfileClaims.forScopes(unverified, Set.of("email")));
    }

    @Test
    void forScopesWhenBothGrantedThenAllFourClaims() {
        assertEquals(
                new JsonObject()
                        .put("name", "Alice Example")
                        .put("preferred_username", "alice")
                        .put("email", "alice@example.com")
                        .put("email_verified", true),
                ProfileClaims.forScopes(FULL, List.of("email", "openid", "profile", "notes:read")));
    }

    @Test
    void forScopesWhenFieldsUnsetThenTheirClaimsLeftOutNotNull() {
        assertEquals(
                new JsonObject().put("preferred_username", "bob"),
                ProfileClaims.forScopes(BARE, List.of("openid", "profile", "email")));
    }

    @Test
    void forScopesWhenNeitherProfileNorEmailGrantedThenNoClaims() {
        assertEquals(new JsonObject(), ProfileClaims.forScopes(FULL, List.of()));
        assertEquals(new JsonObject(), ProfileClaims.forScopes(FULL, List.of("openid", "notes:read", "address")));
        // Scope tokens are case-sensitive (RFC 6749 §3.3): neither of these is the profile or email scope.
        assertEquals(new JsonObject(), ProfileClaims.forScopes(FULL, List.of("Profile", "EMAIL")));
    }

    @Test
    void userProfileWhenVerifiedWithoutAnEmailThenRefused() {
        assertThrows(
                IllegalArgumentException.class,
                () -> new UserProfile(Optional.empty(), "dave", Optional.empty(), true));
    }
}
