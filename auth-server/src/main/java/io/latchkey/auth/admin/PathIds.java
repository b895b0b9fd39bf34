package io.latchkey.auth.admin;

import io.latchkey.auth.client.ClientIds;
import io.latchkey.auth.oauth.OAuthError;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Checks an id taken from an admin path before any SQL sees it. A NUL byte, text that was not valid UTF-8 (the
 * router decodes it to U+FFFD), an over-long value or a value of the wrong shape names nothing that can exist, so it
 * is answered 404 {@code not_found} exactly like an unknown id: the database is never asked, and a NUL byte can
 * never fail a statement.
 */
public final class PathIds {
    /** A base64url SHA-256 thumbprint (RFC 7638), the shape of every {@code kid} key-service makes. */
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{43}");

    private static final Pattern UUID_TEXT =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

    private PathIds() {}

    /** A user id or session id: the canonical 36-character UUID text, any case. */
    public static Optional<UUID> uuid(String raw) {
        if (raw == null || raw.length() != 36 || !UUID_TEXT.matcher(raw).matches()) {
            return Optional.empty();
        }
        return Optional.of(UUID.fromString(raw));
    }

    public static UUID user(String raw) {
        return uuid(raw).orElseThrow(PathIds::noUser);
    }

    public static UUID session(String raw) {
        return uuid(raw).orElseThrow(PathIds::noSession);
    }

    public static String client(String raw) {
        if (!ClientIds.wellFormed(raw)) {
            throw noClient();
        }
        return raw;
    }

    public static String kid(String raw) {
        if (raw == null || !KID.matcher(raw).matches()) {
            throw noKey();
        }
        return raw;
    }

    static OAuthError noUser() {
        return OAuthError.notFound("No user with this id");
    }

    static OAuthError noSession() {
        return OAuthError.notFound("No open session with this sid");
    }

    static OAuthError noClient() {
        return OAuthError.notFound("No client with this client_id");
    }

    static OAuthError noKey() {
        return OAuthError.notFound("No key with this kid");
    }
}
