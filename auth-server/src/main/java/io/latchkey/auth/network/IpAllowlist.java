package io.latchkey.auth.network;

import io.latchkey.auth.config.TrustedProxies;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A client's {@code token_endpoint_ip_allowlist}: the CIDR ranges (IPv4 or IPv6, a bare address being a single
 * host) its token requests may come from. An empty list allows any address. The address judged is the one {@code
 * ClientIp} determines, so a request through a trusted proxy is judged by its real client, and any other by its
 * socket peer: a client cannot choose the address it is judged by.
 */
public final class IpAllowlist {
    /** The most entries a client lists (a CHECK in V13). */
    public static final int MAX_ENTRIES = 32;

    private static final String SHAPE = "must be a CIDR such as 203.0.113.0/24 or 2001:db8::/32";
    private final List<Range> ranges;

    private IpAllowlist(List<Range> ranges) {
        this.ranges = List.copyOf(ranges);
    }

    /** The allowlist of stored entries, each of which {@link #problem} accepted when it was registered. */
    public static IpAllowlist of(List<String> cidrs) {
        List<Range> ranges = new ArrayList<>(cidrs.size());
        for (String cidr : cidrs) {
            Range range = Range.parse(cidr);
            if (range == null) {
                // Only the admin API writes the column and it refuses such entries: fail closed, never open.
                throw new IllegalStateException("a stored allowlist entry is not a CIDR");
            }
            ranges.add(range);
        }
        return new IpAllowlist(ranges);
    }

    /** Why {@code cidr} cannot be registered, or empty when it can. */
    public static Optional<String> problem(String cidr) {
        return Range.parse(cidr) == null ? Optional.of(SHAPE) : Optional.empty();
    }

    /** Whether a request from {@code address} (an IP literal) may use the token endpoint. */
    public boolean allows(String address) {
        if (ranges.isEmpty()) {
            return true;
        }
        byte[] bytes = TrustedProxies.literal(address);
        if (bytes == null) {
            return false;
        }
        for (Range range : ranges) {
            if (range.contains(bytes)) {
                return true;
            }
        }
        return false;
    }

    private record Range(byte[] network, int prefix) {
        static Range parse(String text) {
            if (text == null
                    || text.isBlank()
                    || text.length() > 64
                    || !text.strip().equals(text)) {
                return null;
            }
            int slash = text.indexOf('/');
            byte[] address = TrustedProxies.literal(slash < 0 ? text : text.substring(0, slash));
            if (address == null) {
                return null;
            }
            int prefix = address.length * 8;
            if (slash >= 0) {
                String digits = text.substring(slash + 1);
                if (!digits.matches("[0-9]{1,3}")) {
                    return null;
                }
                prefix = Integer.parseInt(digits);
                if (prefix > address.length * 8) {
                    return null;
                }
            }
            return new Range(address, prefix);
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
