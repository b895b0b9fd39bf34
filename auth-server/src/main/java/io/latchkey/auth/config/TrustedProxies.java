package io.latchkey.auth.config;

import io.latchkey.common.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The CIDR ranges whose {@code X-Forwarded-For} header is believed. Everything else is judged by its socket
 * peer address, so a client cannot pick the IP its failed logins are counted against.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239#section-8.3">RFC 7239 §8.3</a>
 */
public final class TrustedProxies {
    private static final Pattern LITERAL = Pattern.compile("[0-9a-fA-F:.]+");
    private final List<Cidr> ranges;

    private TrustedProxies(List<Cidr> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    public static TrustedProxies none() {
        return new TrustedProxies(List.of());
    }

    public static TrustedProxies parse(String variable, String raw) {
        List<Cidr> ranges = new ArrayList<>();
        for (String part : raw.split(",")) {
            String cidr = part.trim();
            if (cidr.isEmpty()) {
                continue;
            }
            ranges.add(Cidr.parse(variable, cidr));
        }
        return new TrustedProxies(ranges);
    }

    public boolean isEmpty() {
        return ranges.isEmpty();
    }

    /** Whether {@code address} (an IP literal) lies in one of the trusted ranges. */
    public boolean trusts(String address) {
        byte[] bytes = literal(address);
        if (bytes == null) {
            return false;
        }
        for (Cidr range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    /** The bytes of an IP literal, or null when it is not one; never a DNS lookup. */
    public static byte[] literal(String address) {
        if (address == null) {
            return null;
        }
        String a = address.trim();
        if (a.startsWith("[") && a.endsWith("]")) {
            a = a.substring(1, a.length() - 1);
        }
        if (a.isEmpty()
                || !LITERAL.matcher(a).matches()
                || (a.indexOf(':') < 0 && a.chars().filter(c -> c == '.').count() != 3)) {
            return null;
        }
        try {
            return InetAddress.getByName(a).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    private record Cidr(byte[] network, int prefix) {
        static Cidr parse(String variable, String text) {
            int slash = text.indexOf('/');
            byte[] address = literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                throw new ConfigException(variable, "must be a comma-separated list of CIDRs such as 10.0.0.0/8");
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                try {
                    prefix = Integer.parseInt(text.substring(slash + 1));
                } catch (NumberFormatException e) {
                    throw new ConfigException(variable, "must be a comma-separated list of CIDRs such as 10.0.0.0/8");
                }
                if (prefix < 0 || prefix > address.length * 8) {
                    throw new ConfigException(variable, "has a CIDR prefix out of range");
                }
            }
            return new Cidr(address, prefix);
        }

        boolean contains(byte[] candidate) {
            if (candidate.length != network.length) {
                return false;
            }
            int full = prefix / 8;
            for (int i = 0; i < full; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = (0xff << (8 - rest)) & 0xff;
            return (candidate[full] & mask) == (network[full] & mask);
        }
    }
}
