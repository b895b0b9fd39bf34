package io.latchkey.auth.dpop;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * Which tokens a DPoP proof at the token endpoint binds, grant by grant (RFC 9449 §5): the access token always
 * ({@code cnf.jkt}, {@code token_type} {@code DPoP}); a refresh token only a public client's, since a confidential
 * client's is already bound to its credentials. A bound refresh token is refreshed only with a proof of its key,
 * and a code issued for a {@code dpop_jkt} (§10) is redeemed only with a proof of that key; either refusal is
 * {@code invalid_dpop_proof} and changes nothing, so a thief without the key can neither use nor burn the token.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-5">RFC 9449 §5</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-6.1">RFC 9449 §6.1</a>
 */
public final class SenderConstrainedTokens {
    public static final String DPOP = "DPoP";
    public static final String BEARER = "Bearer";

    private SenderConstrainedTokens() {}

    /** {@code claims} with {@code cnf: {"jkt": ...}} when the request proved a key. */
    public static JsonObject bind(JsonObject claims, Optional<String> jkt) {
        jkt.ifPresent(key -> claims.put("cnf", new JsonObject().put("jkt", key)));
        return claims;
    }

    /** The response's {@code token_type}: {@code DPoP} for a bound access token (RFC 9449 §5). */
    public static String tokenType(Optional<String> jkt) {
        return jkt.isPresent() ? DPOP : BEARER;
    }

    /** The key a new refresh token of {@code client} is bound to, or null: a public client's proof only. */
    public static String refreshTokenKey(Client client, Optional<String> jkt) {
        return client.isPublic() ? jkt.orElse(null) : null;
    }

    /**
     * Refuses a refresh of a bound token ({@code boundTo}) without a proof of the same key; throws {@code
     * invalid_dpop_proof}.
     */
    public static void requireRefreshKey(Optional<String> boundTo, Optional<String> jkt) {
        if (boundTo.isEmpty()) {
            return;
        }
        if (jkt.isEmpty()) {
            throw OAuthError.invalidDpopProof("This refresh token is DPoP-bound: send a proof of its key");
        }
        if (!same(boundTo.get(), jkt.get())) {
            throw OAuthError.invalidDpopProof("The DPoP proof's key is not the one the refresh token is bound to");
        }
    }

    /** Refuses a code issued for {@code dpop_jkt} without a proof of that key; throws {@code invalid_dpop_proof}. */
    public static void requireCodeKey(Optional<String> dpopJkt, Optional<String> jkt) {
        if (dpopJkt.isEmpty()) {
            return;
        }
        if (jkt.isEmpty() || !same(dpopJkt.get(), jkt.get())) {
            throw OAuthError.invalidDpopProof("The authorization request's dpop_jkt needs a DPoP proof of that key");
        }
    }

    private static boolean same(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }
}
