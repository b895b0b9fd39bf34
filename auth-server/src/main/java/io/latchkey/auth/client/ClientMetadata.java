package io.latchkey.auth.client;

import java.util.List;
import java.util.Optional;

/**
 * The registration fields of a client beyond its grants, scopes and audience (RFC 7591 §2 names): where the
 * browser flow may send it back, whether it skips consent, how its tokens are signed and bound.
 * {@link #NONE} is a client registered for the token endpoint only.
 */
public record ClientMetadata(
        List<String> redirectUris,
        List<String> postLogoutRedirectUris,
        Optional<String> backchannelLogoutUri,
        List<String> allowedCorsOrigins,
        boolean firstParty,
        Optional<String> clientName,
        String accessTokenSigningAlg,
        boolean dpopBoundAccessTokens,
        List<String> tokenEndpointIpAllowlist) {
    public static final String DEFAULT_SIGNING_ALG = "RS256";
    public static final ClientMetadata NONE = new ClientMetadata(
            List.of(), List.of(), Optional.empty(), List.of(), false, Optional.empty(), DEFAULT_SIGNING_ALG, false);

    public ClientMetadata {
        redirectUris = List.copyOf(redirectUris);
        postLogoutRedirectUris = List.copyOf(postLogoutRedirectUris);
        allowedCorsOrigins = List.copyOf(allowedCorsOrigins);
        tokenEndpointIpAllowlist = List.copyOf(tokenEndpointIpAllowlist);
    }

    /** Without a {@code token_endpoint_ip_allowlist}: tokens may be requested from anywhere. */
    public ClientMetadata(
            List<String> redirectUris,
            List<String> postLogoutRedirectUris,
            Optional<String> backchannelLogoutUri,
            List<String> allowedCorsOrigins,
            boolean firstParty,
            Optional<String> clientName,
            String accessTokenSigningAlg,
            boolean dpopBoundAccessTokens) {
        this(
                redirectUris,
                postLogoutRedirectUris,
                backchannelLogoutUri,
                allowedCorsOrigins,
                firstParty,
                clientName,
                accessTokenSigningAlg,
                dpopBoundAccessTokens,
                List.of());
    }
}
