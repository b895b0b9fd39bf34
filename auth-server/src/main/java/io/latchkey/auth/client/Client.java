package io.latchkey.auth.client;

import java.util.List;

/**
 * A registered OAuth client. A public client has no secret hash and authenticates with method {@code none}.
 * {@code audience} is the {@code aud} its tokens carry, a string or an array of strings (see {@link Audiences}).
 */
public record Client(
        String clientId,
        byte[] secretHash,
        List<String> grantTypes,
        List<String> scopes,
        Object audience,
        boolean disabled,
        long tokensNotBefore,
        ClientMetadata metadata) {

    public Client {
        audience = Audiences.checked(audience);
    }

    /** A client registered for the token endpoint only. */
    public Client(
            String clientId,
            byte[] secretHash,
            List<String> grantTypes,
            List<String> scopes,
            Object audience,
            boolean disabled,
            long tokensNotBefore) {
        this(clientId, secretHash, grantTypes, scopes, audience, disabled, tokensNotBefore, ClientMetadata.NONE);
    }

    /** The JWS algorithm of every token issued to this client: access, ID and logout tokens alike. */
    public String signingAlg() {
        return metadata.accessTokenSigningAlg();
    }

    /** The name pages show: the registered {@code client_name}, else the {@code client_id}. */
    public String displayName() {
        return metadata.clientName().orElse(clientId);
    }

    public boolean isPublic() {
        return secretHash == null;
    }

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }
}
