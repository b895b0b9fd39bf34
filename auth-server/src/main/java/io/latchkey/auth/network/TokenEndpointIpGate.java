package io.latchkey.auth.network;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token endpoint's source-IP binding: a confidential client with a {@code token_endpoint_ip_allowlist} gets
 * tokens only from those ranges. A request from elsewhere is {@code invalid_client} (the same answer as any other
 * failed client authentication, so it tells a thief holding the secret nothing more) and an audit row {@code
 * token_ip_refused}. Public clients, whose requests come from their users' devices, are never bound.
 */
public final class TokenEndpointIpGate {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpointIpGate.class);

    private final Pool pool;
    private final AuditRepository audit;

    public TokenEndpointIpGate(Pool pool, AuditRepository audit) {
        this.pool = pool;
        this.audit = audit;
    }

    /** Succeeds when {@code client} may request tokens from {@code ip}; else audits and fails. */
    public Future<Void> admit(Client client, String ip) {
        if (client.isPublic() || client.metadata().tokenEndpointIpAllowlist().isEmpty()) {
            return Future.succeededFuture();
        }
        if (IpAllowlist.of(client.metadata().tokenEndpointIpAllowlist()).allows(ip)) {
            return Future.succeededFuture();
        }
        LOG.warn(
                "token request refused: client={} ip={} is outside its token_endpoint_ip_allowlist",
                client.clientId(),
                ip);
        return audit.record(pool, AuditEvent.tokenIpRefused(client.clientId(), ip))
                .onFailure(e -> LOG.error("audit row token_ip_refused not written client={}", client.clientId(), e))
                .transform(recorded -> Future.failedFuture(OAuthError.invalidClient()));
    }
}
