package io.latchkey.auth.authorize;

import io.latchkey.auth.client.Client;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.UUID;

/**
 * An authorization request waiting for the user: the login and consent pages are its steps. Stored in
 * PostgreSQL so any replica serves any step; bound to the browser that started it by the hash of that browser's
 * binding cookie, so its id (which is in page URLs) completes nothing on its own. {@code sessionId} is the browser
 * session the user signed in to on this interaction, once they have.
 */
public record Interaction(
        String id,
        byte[] browserHash,
        String csrfToken,
        String clientId,
        String redirectUri,
        boolean redirectUriGiven,
        String scope,
        Optional<String> state,
        String codeChallenge,
        Optional<String> nonce,
        Set<String> prompt,
        OptionalLong maxAge,
        Optional<String> loginHint,
        Optional<UUID> sessionId,
        OffsetDateTime expiresAt,
        Optional<String> dpopJkt) {

    static Interaction of(String id, byte[] browserHash, String csrfToken, AuthorizeRequest r, OffsetDateTime end) {
        return new Interaction(
                id,
                browserHash,
                csrfToken,
                r.client().clientId(),
                r.redirectUri(),
                r.redirectUriGiven(),
                r.scope(),
                r.state(),
                r.codeChallenge(),
                r.nonce(),
                r.prompt(),
                r.maxAge(),
                r.loginHint(),
                Optional.empty(),
                end,
                r.dpopJkt());
    }

    /** The request again, with the client as it is now. */
    AuthorizeRequest request(Client client) {
        return new AuthorizeRequest(
                client,
                redirectUri,
                redirectUriGiven,
                scope,
                state,
                codeChallenge,
                nonce,
                prompt,
                maxAge,
                loginHint,
                dpopJkt);
    }

    Redirect redirect() {
        return new Redirect(redirectUri, state);
    }
}
