package io.latchkey.common.dpop;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Brings an {@code htu} (or the URL a request arrived at) to the one form two equal URIs share, so they compare as
 * strings: RFC 9449 §4.3 asks for RFC 3986 syntax-based and scheme-based normalization with query and fragment
 * ignored. Scheme and host lower-case, the default port dropped, an empty path made {@code /}, percent-encodings
 * upper-case with unreserved characters decoded, dot segments removed, query and fragment cut. Only absolute
 * {@code http} and {@code https} URIs without user information pass; anything else throws
 * {@link IllegalArgumentException}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-4.3">RFC 9449 §4.3</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc3986#section-6.2.2">RFC 3986 §6.2.2, §6.2.3</a>
 */
public final class HtuNormalizer {
    private HtuNormalizer() {}

    public static String normalize(String uri) {
        if (uri == null || uri.isEmpty()) {
            throw new IllegalArgumentException("URI missing");
        }
        URI parsed;
        try {
            parsed = new URI(uri);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("not a URI");
        }
        String scheme = parsed.getScheme() == null ? "" : parsed.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("not an http or https URI");
        }
        if (parsed.getHost() == null || parsed.getRawUserInfo() != null) {
            throw new IllegalArgumentException("no host, or user information present");
        }
        int port = parsed.getPort();
        boolean defaultPort =
                port == -1 || (scheme.equals("http") && port == 80) || (scheme.equals("https") && port == 443);
        String path = parsed.getRawPath() == null || parsed.getRawPath().isEmpty() ? "/" : parsed.getRawPath();
        return scheme + "://" + parsed.getHost().toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port)
                + removeDotSegments(percentEncodings(path));
    }

    /** Upper-case hex in every percent-encoding; unreserved characters (RFC 3986 §2.3) decoded. */
    private static String percentEncodings(String path) {
        if (path.indexOf('%') < 0) {
            return path;
        }
        StringBuilder out = new StringBuilder(path.length());
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length()) {
                int value = Integer.parseInt(path.substring(i + 1, i + 3), 16);
                char decoded = (char) value;
                if ((decoded >= 'A' && decoded <= 'Z')
                        || (decoded >= 'a' && decoded <= 'z')
                        || (decoded >= '0' && decoded <= '9')
                        || decoded == '-'
                        || decoded == '.'
                        || decoded == '_'
                        || decoded == '~') {
                    out.append(decoded);
                } else {
                    out.append('%').append(path.substring(i + 1, i + 3).toUpperCase(Locale.ROOT));
                }
                i += 2;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** RFC 3986 §5.2.4. */
    private static String removeDotSegments(String path) {
        if (!path.contains(".")) {
            return path;
        }
        StringBuilder input = new StringBuilder(path);
        StringBuilder output = new StringBuilder(path.length());
        while (!input.isEmpty()) {
            if (startsWith(input, "../")) {
                input.delete(0, 3);
            } else if (startsWith(input, "./")) {
                input.delete(0, 2);
            } else if (startsWith(input, "/./")) {
                input.delete(0, 2);
            } else if (input.toString().equals("/.")) {
                input.replace(0, 2, "/");
            } else if (startsWith(input, "/../")) {
                input.delete(0, 3);
                removeLastSegment(output);
            } else if (input.toString().equals("/..")) {
                input.replace(0, 3, "/");
                removeLastSegment(output);
            } else if (input.toString().equals(".") || input.toString().equals("..")) {
                input.setLength(0);
            } else {
                int next = input.indexOf("/", input.charAt(0) == '/' ? 1 : 0);
                int end = next < 0 ? input.length() : next;
                output.append(input, 0, end);
                input.delete(0, end);
            }
        }
        return output.isEmpty() ? "/" : output.toString();
    }

    private static boolean startsWith(StringBuilder text, String prefix) {
        return text.length() >= prefix.length()
                && text.substring(0, prefix.length()).equals(prefix);
    }

    private static void removeLastSegment(StringBuilder output) {
        int slash = output.lastIndexOf("/");
        output.setLength(Math.max(slash, 0));
    }
}
