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
        long tokensNotBefore) {

    public Client {
        audience = Audiences.checked(audience);
    }

    public boolean isPublic() {
        return secretHash == null;
    }

    public boolean allows(String grantType) {
        return grantTypes.contains(grantType);
    }
}
