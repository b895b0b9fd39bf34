package io.latchkey.verifier;

import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The verified claims of a Latchkey access token. Immutable: one instance is shared by every request that presents
 * the same token while it sits in the verified-token cache.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-2.2">RFC 9068 §2.2</a>
 */
public record AccessToken(
        String keyId,
        String issuer,
        String subject,
        List<String> audience,
        String clientId,
        String jwtId,
        Optional<String> sessionId,
        String scope,
        Set<String> scopes,
        long issuedAt,
        long expiresAt,
        JsonObject claimsJson) {

    public AccessToken {
        audience = List.copyOf(audience);
        scopes = Set.copyOf(scopes);
        // Not copied here: the verifier hands over a freshly parsed object, and every read below returns a copy.
    }

    /** Whether the token grants every one of {@code required}. */
    public boolean hasScopes(Set<String> required) {
        return scopes.containsAll(required);
    }

    /**
     * The thumbprint of the key the token is bound to ({@code cnf.jkt}, RFC 9449 §6.1), empty for a bearer token. A
     * bound token is accepted only with a DPoP proof by that key.
     */
    public Optional<String> confirmationJkt() {
        // The field, not the copying accessor: this runs on every request. TokenRules checked the shape.
        return claimsJson.getValue("cnf") instanceof JsonObject cnf
                ? Optional.of(cnf.getString("jkt"))
                : Optional.empty();
    }

    /** A copy of every claim, for claims this record does not name. */
    public JsonObject claims() {
        return claimsJson.copy();
    }

    /** A copy, like {@link #claims()}: the instance is shared through the cache and must not change. */
    @Override
    public JsonObject claimsJson() {
        return claimsJson.copy();
    }
}
