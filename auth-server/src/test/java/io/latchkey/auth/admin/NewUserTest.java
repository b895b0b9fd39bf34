package io.latchkey.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.user.UserProfile;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewUserTest {
    private static final String NAME_RULE = "{\"error\":\"invalid_request\",\"error_description\":"
            + "\"name must have 1 to 200 characters, not all spaces, and no control characters\"}";
    private static final String EMAIL_RULE = "{\"error\":\"invalid_request\",\"error_description\":"
            + "\"email must look like local@domain, with at most 254 characters and no spaces or control characters\"}";

    private static JsonObject valid() {
        return new JsonObject().put("username", "alice").put("password", "alice-password-1");
    }

    private static String rejection(JsonObject json) {
        return assertThrows(OAuthError.class, () -> NewUser.from(json)).body().encode();
    }

    @Test
    void fromWhenOnlyUsernameAndPasswordThenNoProfileFields() {
        NewUser user = NewUser.from(valid());
        assertEquals("alice", user.username());
        assertEquals("alice-password-1", user.password());
        assertEquals(new UserProfile(Optional.empty(), "alice", Optional.empty(), false), user.profile());
    }

    @Test
    void fromWhenProfileFieldsGivenThenKeptAsGiven() {
        NewUser user = NewUser.from(valid().put("name", "Alice Ex\u00e4mple \uD83D\uDD11")
                .put("email", "Alice.Example+tag@mail.example.com")
                .put("email_verified", true));
        assertEquals(
                new UserProfile(
                        Optional.of("Alice Ex\u00e4mple \uD83D\uDD11"),
                        "alice",
                        Optional.of("Alice.Example+tag@mail.example.com"),
                        true),
                user.profile());
    }

    @Test
    void fromWhenProfileMembersNullThenAbsent() {
        NewUser user = NewUser.from(valid().putNull("name").putNull("email").putNull("email_verified"));
        assertEquals(new UserProfile(Optional.empty(), "alice", Optional.empty(), false), user.profile());
    }

    @Test
    void fromWhenEmailWithoutVerificationThenUnverified() {
        assertFalse(NewUser.from(valid().put("email", "a@b")).emailVerified());
        assertFalse(NewUser.from(valid().put("email", "a@b").put("email_verified", false))
                .emailVerified());
    }

    @Test
    void fromWhenEmailVerifiedTrueWithoutEmailThenInvalidRequest() {
        String refusal = "{\"error\":\"invalid_request\",\"error_description\":"
                + "\"email_verified can only be true with an email\"}";
        assertEquals(refusal, rejection(valid().put("email_verified", true)));
        assertEquals(refusal, rejection(valid().putNull("email").put("email_verified", true)));
        assertEquals(
                new UserProfile(Optional.empty(), "alice", Optional.empty(), false),
                NewUser.from(valid().put("email_verified", false)).profile());
    }

    @Test
    void fromWhenProfileMembersOfTheWrongTypeThenInvalidRequestNamingTheMember() {
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"name must be a string\"}",
                rejection(valid().put("name", 7)));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"email must be a string\"}",
                rejection(valid().put("email", new JsonArray().add("a@b"))));
        for (Object notABoolean : List.of("true", 1, new JsonObject())) {
            assertEquals(
                    "{\"error\":\"invalid_request\",\"error_description\":\"email_verified must be true or false\"}",
                    rejection(valid().put("email", "a@b").put("email_verified", notABoolean)),
                    String.valueOf(notABoolean));
        }
    }

    @Test
    void fromWhenNameEmptyBlankTooLongOrWithControlCharactersThenInvalidRequest() {
        for (String name : List.of("", "   ", "x".repeat(201), "Alice\nExample", "Alice\u0000", "Alice\u0085")) {
            assertEquals(NAME_RULE, rejection(valid().put("name", name)), name);
        }
    }

    @Test
    void fromWhenNameHasTwoHundredCharactersCountingSurrogatePairsAsOneThenAccepted() {
        String key = "\uD83D\uDD11";
        assertEquals(
                Optional.of(key.repeat(200)),
                NewUser.from(valid().put("name", key.repeat(200))).name());
        assertEquals(NAME_RULE, rejection(valid().put("name", key.repeat(201))));
    }

    @Test
    void fromWhenEmailIsNotShapedLikeLocalAtDomainThenInvalidRequest() {
        for (String email : List.of(
                "",
                "alice",
                "@example.com",
                "alice@",
                "alice@@example.com",
                "a@b@example.com",
                "alice @example.com",
                "alice@exa mple.com",
                " alice@example.com",
                "alice@example.com ",
                "alice@example.com\n",
                "alice\u0000@example.com",
                "alice\u00a0@example.com",
                "alice@example\u202e.com",
                "alice@.example.com",
                "alice@example.com.",
                "alice@example..com")) {
            assertEquals(EMAIL_RULE, rejection(valid().put("email", email)), email);
        }
    }

    @Test
    void fromWhenEmailHas254CharactersThenAcceptedAnd255Refused() {
        String domain = "@example.com";
        String longest = "a".repeat(254 - domain.length()) + domain;
        assertEquals(
                Optional.of(longest),
                NewUser.from(valid().put("email", longest)).email());
        assertEquals(EMAIL_RULE, rejection(valid().put("email", "a" + longest)));
    }

    @Test
    void fromWhenUsernameOrPasswordBreakTheirRulesThenInvalidRequestAsBefore() {
        String username = "{\"error\":\"invalid_request\",\"error_description\":"
                + "\"username must have 1 to 255 printable characters\"}";
        assertEquals(username, rejection(valid().put("username", "")));
        assertEquals(username, rejection(valid().put("username", 7)));
        assertEquals(username, rejection(valid().put("username", "a\tb")));
        assertEquals(username, rejection(valid().put("username", "x".repeat(256))));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"password must have 8 to 1024 characters\"}",
                rejection(valid().put("password", "short")));
    }

    @Test
    void toStringWhenPrintedThenNeitherPasswordNorPersonalData() {
        String printed = NewUser.from(valid().put("name", "Alice Example").put("email", "alice@example.com"))
                .toString();
        assertFalse(printed.contains("alice-password-1"), printed);
        assertFalse(printed.contains("Alice Example"), printed);
        assertFalse(printed.contains("alice@example.com"), printed);
        assertTrue(printed.startsWith("NewUser["), printed);
    }
}
