package io.latchkey.auth.client;

import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The rule for a client's {@code allowed_cors_origins} entries: each is an origin exactly as a browser serialises
 * it in the {@code Origin} header, {@code scheme://host[:port]} with a lowercase scheme and host, no path (not even
 * a trailing slash), no query, no default port, and {@code https}, or {@code http} only on a loopback host
 * ({@code localhost}, {@code 127.0.0.1}, {@code [::1]}). Entries are compared with the header as exact strings, so
 * anything not in that form could never match; {@code *} and {@code null} (the opaque origin of sandboxed frames
 * and {@code file:} pages) are refused for the same reason as any other non-origin.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6454#section-6.2">RFC 6454 §6.2</a>
 * @see <a href="https://fetch.spec.whatwg.org/#origin-header">Fetch, the Origin header</a>
 */
public final class CorsOriginRules {
    /** A DNS name (RFC 1035 §2.3.4) or IPv4 address fits; a longer host is no host. */
    private static final int MAX_HOST_LENGTH = 253;

    private static final String LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
    private static final Pattern ORIGIN = Pattern.compile(
            "(https?)://(" + LABEL + "(?:\\." + LABEL + ")*|\\[[0-9a-f:.]{2,45}\\])(?::([1-9][0-9]{0,4}))?");
    private static final Set<String> LOOPBACK = Set.of("localhost", "127.0.0.1", "[::1]");
    private static final String SHAPE =
            "must be an origin, scheme://host[:port] with a lowercase scheme and host, no path, no trailing slash";

    private CorsOriginRules() {}

    /** Why {@code origin} cannot be registered, or empty when it can. */
    public static Optional<String> problem(String origin) {
        // The host bound keeps the pattern's work small whatever arrives.
        if (origin == null || origin.length() > MAX_HOST_LENGTH + "https://:65535".length()) {
            return Optional.of(SHAPE);
        }
        Matcher matcher = ORIGIN.matcher(origin);
        if (!matcher.matches() || matcher.group(2).length() > MAX_HOST_LENGTH) {
            return Optional.of(SHAPE);
        }
        String scheme = matcher.group(1);
        String port = matcher.group(3);
        if (port != null) {
            int number = Integer.parseInt(port);
            if (number > 65535) {
                return Optional.of("must have a port from 1 to 65535");
            }
            if (number == (scheme.equals("https") ? 443 : 80)) {
                return Optional.of("must leave out the default port, as browsers do");
            }
        }
        if (scheme.equals("http") && !LOOPBACK.contains(matcher.group(2))) {
            return Optional.of("must use https, or http only on a loopback host");
        }
        return Optional.empty();
    }
}
