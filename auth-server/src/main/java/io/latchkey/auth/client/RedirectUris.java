package io.latchkey.auth.client;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The rules for redirect URIs (and post-logout redirect URIs): absolute, no fragment, no user info, {@code https},
 * or {@code http} only on a loopback host. A requested URI matches a registered one as an exact string, except
 * that the port of an {@code http} redirect to the loopback IP literals {@code 127.0.0.1} and {@code [::1]} is
 * ignored, because a native app listens on whatever port the system gives it. A {@code localhost} URI compares
 * exactly, port included.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8252#section-7.3">RFC 8252 §7.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-4.1.3">RFC 9700 §4.1.3</a>
 */
public final class RedirectUris {
    public static final int MAX_LENGTH = 2000;

    private RedirectUris() {}

    /** Why {@code uri} cannot be registered, or empty when it can. */
    public static Optional<String> problem(String uri) {
        if (uri == null || uri.isEmpty() || uri.length() > MAX_LENGTH) {
            return Optional.of("must have 1 to " + MAX_LENGTH + " characters");
        }
        if (uri.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f)) {
            return Optional.of("must be printable ASCII without spaces");
        }
        if (uri.indexOf('#') >= 0) {
            return Optional.of("must not have a fragment");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            return Optional.of("must be an absolute URI");
        }
        if (!parsed.isAbsolute() || parsed.isOpaque() || parsed.getHost() == null) {
            return Optional.of("must be an absolute URI with a host");
        }
        if (parsed.getRawUserInfo() != null) {
            return Optional.of("must not carry user info");
        }
        String scheme = parsed.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return Optional.empty();
        }
        if (scheme.equals("http") && isLoopback(parsed.getHost())) {
            return Optional.empty();
        }
        return Optional.of("must use https, or http only on a loopback host");
    }

    /** The registered URI {@code requested} matches, if any. */
    public static Optional<String> match(List<String> registered, String requested) {
        if (requested == null) {
            return Optional.empty();
        }
        String comparable = withoutLoopbackPort(requested);
        for (String candidate : registered) {
            if (candidate.equals(requested) || withoutLoopbackPort(candidate).equals(comparable)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static boolean isLoopback(String host) {
        return host.equalsIgnoreCase("localhost") || isLoopbackLiteral(host);
    }

    private static boolean isLoopbackLiteral(String host) {
        return host.equals("127.0.0.1") || host.equals("[::1]");
    }

    /**
     * The URI with its port dropped when it is an {@code http} URI on a loopback IP literal, else unchanged (an
     * unparseable URI stays as it is and can only match itself exactly).
     */
    private static String withoutLoopbackPort(String uri) {
        for (String prefix : List.of("http://127.0.0.1:", "http://[::1]:")) {
            if (uri.startsWith(prefix)) {
                int end = prefix.length();
                while (end < uri.length() && Character.isDigit(uri.charAt(end))) {
                    end++;
                }
                if (end > prefix.length() && (end == uri.length() || "/?".indexOf(uri.charAt(end)) >= 0)) {
                    return prefix.substring(0, prefix.length() - 1) + uri.substring(end);
                }
            }
        }
        return uri;
    }
}
