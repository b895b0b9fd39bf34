package io.latchkey.auth.client;

import java.util.List;

/** A registered OAuth client. A public client has no secret hash and authenticates with method {@code none}. */
public record Client(
        String clientId,
        byte[] secretHash,
        List<String> grantTypes,
        List<String> scopes,
        String audience,
        boolean disabled,
        long tokensNotBefore) {

    public boolean isPublic() {
        return secretHash == null;
    }

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }
}
