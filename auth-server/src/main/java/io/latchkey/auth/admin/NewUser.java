package io.latchkey.auth.admin;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.user.UserProfile;
import io.vertx.core.json.JsonObject;
import java.util.Optional;

/**
 * A validated user from the admin API. {@code username} has 1 to {@value #MAX_USERNAME} characters without control
 * characters, {@code password} {@value #MIN_PASSWORD} to {@value #MAX_PASSWORD}. The profile fields behind the
 * OpenID Connect claims are optional: {@code name} (1 to {@value #MAX_NAME} characters, not blank, no control
 * characters), {@code email} (at most {@value #MAX_EMAIL} characters shaped {@code local@domain}: one {@code @},
 * no spaces, control or invisible format characters, a domain of non-empty dot-separated labels) and {@code email_verified} (a
 * boolean, default false, and true only with an {@code email}). A member that is null counts as absent; a
 * refusal names the member, never its value.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#StandardClaims">OpenID Connect Core 1.0
 *     §5.1</a>
 */
public record NewUser(
        String username, String password, Optional<String> name, Optional<String> email, boolean emailVerified) {
    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 1024;
    /** The longest username, in characters (a CHECK in V1). */
    static final int MAX_USERNAME = 255;
    /** The longest {@code name}, in characters (a CHECK in V10). */
    static final int MAX_NAME = 200;
    /** The longest {@code email}, in characters: RFC 5321's path limit less its angle brackets (a CHECK in V10). */
    static final int MAX_EMAIL = 254;

    public static NewUser from(JsonObject json) {
        String username = json.getValue("username") instanceof String s ? s : null;
        if (username == null
                || username.isEmpty()
                || username.length() > MAX_USERNAME
                || username.chars().anyMatch(Character::isISOControl)) {
            throw OAuthError.invalidRequest("username must have 1 to 255 printable characters");
        }
        String password = password(json);
        Optional<String> name = Optional.ofNullable(string(json, "name"));
        name.ifPresent(NewUser::checkName);
        Optional<String> email = Optional.ofNullable(string(json, "email"));
        email.ifPresent(NewUser::checkEmail);
        boolean emailVerified = bool(json, "email_verified");
        if (emailVerified && email.isEmpty()) {
            throw OAuthError.invalidRequest("email_verified can only be true with an email");
        }
        return new NewUser(username, password, name, email, emailVerified);
    }

    /** The {@code password} member, the rule shared by user creation and a password change. */
    static String password(JsonObject json) {
        String password = json.getValue("password") instanceof String s ? s : null;
        if (password == null || password.length() < MIN_PASSWORD || password.length() > MAX_PASSWORD) {
            throw OAuthError.invalidRequest(
                    "password must have " + MIN_PASSWORD + " to " + MAX_PASSWORD + " characters");
        }
        return password;
    }

    /** The user as stored and as its claims read it: the username is {@code preferred_username}. */
    public UserProfile profile() {
        return new UserProfile(name, username, email, emailVerified);
    }

    /** Never the password nor personal data, wherever a record ends up printed: only which fields are set. */
    @Override
    public String toString() {
        return "NewUser[name=" + name.isPresent() + ", email=" + email.isPresent() + ", emailVerified=" + emailVerified
                + "]";
    }

    /** Claims and pages show the name escaped, so only what would garble a page or a log line is refused. */
    private static void checkName(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1
                || length > MAX_NAME
                || name.isBlank()
                || name.codePoints().anyMatch(Character::isISOControl)) {
            throw OAuthError.invalidRequest(
                    "name must have 1 to " + MAX_NAME + " characters, not all spaces, and no control characters");
        }
    }

    /**
     * A sane shape, not RFC 5322's full grammar (quoted local parts, comments, address literals): what mail
     * clients and relying parties expect to find in an {@code email} claim.
     */
    private static void checkEmail(String email) {
        int at = email.indexOf('@');
        String local = at < 0 ? "" : email.substring(0, at);
        String domain = at < 0 ? "" : email.substring(at + 1);
        boolean wellShaped = email.codePointCount(0, email.length()) <= MAX_EMAIL
                && !local.isEmpty()
                && !domain.isEmpty()
                && domain.indexOf('@') < 0
                && !domain.startsWith(".")
                && !domain.endsWith(".")
                && !domain.contains("..")
                && email.codePoints().noneMatch(NewUser::spaceOrControl);
        if (!wellShaped) {
            throw OAuthError.invalidRequest("email must look like local@domain, with at most " + MAX_EMAIL
                    + " characters and no spaces or control characters");
        }
    }

    private static boolean spaceOrControl(int codePoint) {
        return Character.isWhitespace(codePoint)
                || Character.isSpaceChar(codePoint)
                || Character.isISOControl(codePoint)
                || Character.getType(codePoint) == Character.FORMAT;
    }

    private static String string(JsonObject json, String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return null;
        }
        if (!(value instanceof String s)) {
            throw OAuthError.invalidRequest(name + " must be a string");
        }
        return s;
    }

    private static boolean bool(JsonObject json, String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw OAuthError.invalidRequest(name + " must be true or false");
        }
        return b;
    }
}
