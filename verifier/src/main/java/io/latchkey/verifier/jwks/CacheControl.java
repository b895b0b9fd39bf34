package io.latchkey.verifier.jwks;

import java.time.Duration;
import java.util.Optional;

/**
 * The {@code max-age} of a {@code Cache-Control} response header, which is all the JWKS cache needs from it.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9111#section-5.2.2.1">RFC 9111 §5.2.2.1</a>
 */
public final class CacheControl {
    private CacheControl() {}

    /** The max-age, or empty when absent or unreadable; {@code no-store} and {@code no-cache} count as zero. */
    public static Optional<Duration> maxAge(String header) {
        if (header == null) {
            return Optional.empty();
        }
        for (String directive : header.split(",")) {
            String d = directive.trim().toLowerCase();
            if (d.equals("no-store") || d.equals("no-cache")) {
                return Optional.of(Duration.ZERO);
            }
            if (d.startsWith("max-age=")) {
                String value = d.substring("max-age=".length()).replace("\"", "");
                try {
                    return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(value))));
                } catch (NumberFormatException e) {
                    return Optional.empty();
                }
            }
        }
        return Optional.empty();
    }
}
