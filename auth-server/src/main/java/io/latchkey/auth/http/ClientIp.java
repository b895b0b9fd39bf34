package io.latchkey.auth.http;

import io.latchkey.auth.config.TrustedProxies;
import io.vertx.core.http.HttpServerRequest;

/**
 * The client's IP address: the socket peer, unless the peer is a trusted proxy, in which case the right-most
 * {@code X-Forwarded-For} address that is not itself a trusted proxy.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7239#section-5.2">RFC 7239 §5.2</a>
 */
public final class ClientIp {
    private final TrustedProxies proxies;

    public ClientIp(TrustedProxies proxies) {
        this.proxies = proxies;
    }

    public String of(HttpServerRequest request) {
        String peer = request.remoteAddress() == null
                ? "0.0.0.0"
                : request.remoteAddress().hostAddress();
        int zone = peer.indexOf('%');
        if (zone >= 0) {
            // An IPv6 zone id (fe80::1%eth0) is local detail and not valid inet syntax.
            peer = peer.substring(0, zone);
        }
        if (proxies.isEmpty() || !proxies.trusts(peer)) {
            return peer;
        }
        String forwarded = request.getHeader("X-Forwarded-For");
        if (forwarded == null) {
            return peer;
        }
        String[] hops = forwarded.split(",");
        for (int i = hops.length - 1; i >= 0; i--) {
            String hop = hops[i].trim();
            if (TrustedProxies.literal(hop) == null) {
                // A garbled hop: stop believing the chain here.
                return peer;
            }
            if (!proxies.trusts(hop)) {
                return hop;
            }
            peer = hop;
        }
        return peer;
    }
}
