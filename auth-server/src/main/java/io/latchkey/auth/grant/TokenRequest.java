package io.latchkey.auth.grant;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.oauth.FormBody;
import java.util.Optional;

/**
 * A token-endpoint request after client authentication: who asks, with what, from where, and the thumbprint of the
 * DPoP key it proved possession of ({@code dpopJkt}, empty without a proof).
 */
public record TokenRequest(Client client, FormBody form, String ip, Optional<String> dpopJkt) {
    public TokenRequest(Client client, FormBody form, String ip) {
        this(client, form, ip, Optional.empty());
    }
}
