package io.latchkey.common.tls;

import java.util.Set;

/**
 * The protocol versions Latchkey speaks: TLS 1.2 and 1.3 only, as RFC 9325 recommends; older versions are refused
 * at the handshake.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9325#section-3.1.1">RFC 9325 §3.1.1</a>
 */
public final class TlsProtocols {
    public static final Set<String> ENABLED = Set.of("TLSv1.2", "TLSv1.3");

    private TlsProtocols() {}
}
