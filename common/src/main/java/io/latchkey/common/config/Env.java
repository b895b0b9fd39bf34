package io.latchkey.common.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Typed access to {@code LATCHKEY_*} settings. Every parse failure is a {@link ConfigException} naming the
 * variable, so a service stops at start with one clear line. Backed by a map so tests and the dev stack can
 * pass settings without touching the process environment.
 */
public final class Env {
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?");

    private final Map<String, String> values;

    public Env(Map<String, String> values) {
        this.values = Map.copyOf(values);
    }

    public static Env system() {
        return new Env(System.getenv());
    }

    /** The value, or empty when unset or blank. */
    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    public String string(String name, String defaultValue) {
        return optional(name).orElse(defaultValue);
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new ConfigException(name, "is required"));
    }

    public boolean bool(String name, boolean defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        return switch (value.get().toLowerCase()) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new ConfigException(name, "must be true or false");
        };
    }

    public int integer(String name, int defaultValue, int min, int max) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        try {
            int parsed = Integer.parseInt(value.get());
            if (parsed < min || parsed > max) {
                throw new ConfigException(name, "must be between " + min + " and " + max);
            }
            return parsed;
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number");
        }
    }

    public int port(String name, int defaultValue) {
        return integer(name, defaultValue, 0, 65535);
    }

    /**
     * A duration: a whole number with an optional unit {@code ms}, {@code s} (the default), {@code m},
     * {@code h} or {@code d}, e.g. {@code 300}, {@code 10m}, {@code 14d}.
     */
    public Duration duration(String name, Duration defaultValue) {
        Optional<String> value = optional(name);
        if (value.isEmpty()) {
            return defaultValue;
        }
        Matcher m = DURATION.matcher(value.get());
        if (!m.matches()) {
            throw new ConfigException(name, "must be a duration such as 300, 300s, 10m, 12h or 14d");
        }
        long amount = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration parsed =
                switch (unit) {
                    case "ms" -> Duration.ofMillis(amount);
                    case "m" -> Duration.ofMinutes(amount);
                    case "h" -> Duration.ofHours(amount);
                    case "d" -> Duration.ofDays(amount);
                    default -> Duration.ofSeconds(amount);
                };
        if (parsed.isZero()) {
            throw new ConfigException(name, "must be greater than zero");
        }
        return parsed;
    }

    /** An absolute http or https URL. */
    public URI url(String name, String defaultValue) {
        String raw = optional(name).orElse(defaultValue);
        if (raw == null) {
            throw new ConfigException(name, "is required");
        }
        return parseUrl(name, raw);
    }

    /** A comma-separated list of absolute http or https URLs, at least one. */
    public List<URI> urls(String name, String defaultValue) {
        String raw = optional(name).orElse(defaultValue);
        if (raw == null) {
            throw new ConfigException(name, "is required");
        }
        List<URI> parsed = Arrays.stream(raw.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .map(s -> parseUrl(name, s))
                .toList();
        if (parsed.isEmpty()) {
            throw new ConfigException(name, "must name at least one URL");
        }
        return parsed;
    }

    /**
     * An issuer identifier: an origin (scheme, host, port) with no path, query or trailing slash, {@code https}
     * unless the host is a loopback address (RFC 8414 §2, RFC 9700 §2.5).
     */
    public String origin(String name, String defaultValue) {
        String raw = optional(name).orElse(defaultValue);
        if (raw == null) {
            throw new ConfigException(name, "is required");
        }
        URI uri = parseUrl(name, raw);
        if ((uri.getRawPath() != null && !uri.getRawPath().isEmpty())
                || uri.getRawQuery() != null
                || uri.getRawFragment() != null
                || uri.getRawUserInfo() != null) {
            throw new ConfigException(
                    name, "must be an origin such as https://auth.example.com, without path or trailing slash");
        }
        if (!"https".equals(uri.getScheme()) && !isLoopback(uri.getHost())) {
            throw new ConfigException(name, "must use https unless the host is a loopback address");
        }
        return raw;
    }

    /** Whether a host name is a loopback name or address. */
    public static boolean isLoopback(String host) {
        if (host == null) {
            return false;
        }
        String h = host.toLowerCase();
        return h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1");
    }

    private static URI parseUrl(String name, String raw) {
        try {
            URI uri = new URI(raw);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new ConfigException(name, "must be an absolute http or https URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new ConfigException(name, "must be an absolute http or https URL");
        }
    }
}
