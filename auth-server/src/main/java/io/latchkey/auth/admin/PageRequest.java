package io.latchkey.auth.admin;

import io.latchkey.auth.oauth.OAuthError;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One page of an admin list: {@code ?cursor=} (opaque: the {@code next} of the previous page) and {@code ?limit=}
 * (1 to {@value #MAX_LIMIT}, default {@value #DEFAULT_LIMIT}). A cursor is the base64url of the sort key of the
 * last item shown, so a page never skips or repeats a row that existed when the first page was read. A malformed
 * or repeated parameter is 400 {@code invalid_request} naming it.
 */
public record PageRequest(Optional<String> after, int limit) {
    public static final int DEFAULT_LIMIT = 50;
    public static final int MAX_LIMIT = 200;
    /** The longest cursor accepted: a sort key is far shorter. */
    private static final int MAX_CURSOR = 512;

    /**
     * @param cursors the request's {@code cursor} values (a list, so a repeated one is refused)
     * @param limits the request's {@code limit} values
     */
    public static PageRequest of(List<String> cursors, List<String> limits) {
        return new PageRequest(cursor(single("cursor", cursors)), limit(single("limit", limits)));
    }

    /** The one value of a query parameter, or null; {@code invalid_request} when it is repeated. */
    public static String single(String name, List<String> values) {
        if (values == null || values.isEmpty()) {
            return null;
        }
        if (values.size() > 1) {
            throw OAuthError.invalidRequest(name + " must not be repeated");
        }
        return values.get(0);
    }

    private static int limit(String raw) {
        if (raw == null) {
            return DEFAULT_LIMIT;
        }
        if (raw.isEmpty() || raw.length() > 3 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw badLimit();
        }
        int limit = Integer.parseInt(raw);
        if (limit < 1 || limit > MAX_LIMIT) {
            throw badLimit();
        }
        return limit;
    }

    private static OAuthError badLimit() {
        return OAuthError.invalidRequest("limit must be an integer from 1 to " + MAX_LIMIT);
    }

    private static Optional<String> cursor(String raw) {
        if (raw == null) {
            return Optional.empty();
        }
        if (raw.isEmpty() || raw.length() > MAX_CURSOR) {
            throw badCursor();
        }
        try {
            byte[] bytes = Base64.getUrlDecoder().decode(raw);
            String key = new String(bytes, StandardCharsets.UTF_8);
            // Only printable ASCII sort keys are ever issued; anything else was not made here.
            if (key.isEmpty() || !key.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
                throw badCursor();
            }
            return Optional.of(key);
        } catch (IllegalArgumentException e) {
            throw badCursor();
        }
    }

    static OAuthError badCursor() {
        return OAuthError.invalidRequest("cursor is not valid: pass the next value of the previous page");
    }

    /** The cursor that resumes after the item whose sort key is {@code key}. */
    public static String cursorFor(String key) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(key.getBytes(StandardCharsets.UTF_8));
    }
}
