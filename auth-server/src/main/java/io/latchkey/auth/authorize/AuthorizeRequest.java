package io.latchkey.auth.authorize;

import io.latchkey.auth.client.Client;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An authorization request that passed every check (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core §3.1.2.1).
 * {@code redirectUri} is the one the response goes to: the requested URI when one was sent ({@code
 * redirectUriGiven}), else the client's only registered one. {@code dpopJkt} is the RFC 9449 §10 {@code dpop_jkt}: the
 * thumbprint of the key whose DPoP proof must come with the code at the token endpoint.
 */
public record AuthorizeRequest(
        Client client,
        String redirectUri,
        boolean redirectUriGiven,
        String scope,
        Optional<String> state,
        String codeChallenge,
        Optional<String> nonce,
        Set<String> prompt,
        OptionalLong maxAge,
        Optional<String> loginHint,
        Optional<String> dpopJkt) {

    public boolean promptNone() {
        return prompt.contains("none");
    }

    public boolean promptLogin() {
        return prompt.contains("login");
    }

    public boolean promptConsent() {
        return prompt.contains("consent");
    }

    /** Where errors and the code go, with the state to echo. */
    public Redirect redirect() {
        return new Redirect(redirectUri, state);
    }
}
