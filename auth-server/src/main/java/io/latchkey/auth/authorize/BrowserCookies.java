package io.latchkey.auth.authorize;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The two cookies of the browser flow, as values: the binding cookie that ties interactions to the browser that
 * started them, and the session cookie of an open browser session. A value of the wrong shape counts as absent.
 */
public record BrowserCookies(Optional<String> binding, Optional<String> session) {
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_-]{43}");

    public BrowserCookies {
        binding = binding.filter(v -> SHAPE.matcher(v).matches());
        session = session.filter(v -> SHAPE.matcher(v).matches());
    }

    public static BrowserCookies none() {
        return new BrowserCookies(Optional.empty(), Optional.empty());
    }
}
