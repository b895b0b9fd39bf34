package io.latchkey.demo.web;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * What the app takes from an ID token, once OpenID Connect issues one: who signed in ({@code sub}, {@code
 * preferred_username}, {@code name}) and the auth-server session ({@code sid}) a back-channel logout will name.
 * The token comes straight from the token endpoint in the client-authenticated back-channel exchange, so, as OpenID
 * Connect Core §3.1.3.7 (6) allows, its signature is not checked here; its {@code iss}, {@code aud}, {@code azp},
 * {@code exp} and {@code nonce} are, since they bind it to this sign-in.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OpenID Connect Core §3.1.3.7</a>
 */
public record IdTokenClaims(
        String subject, Optional<String> sessionId, Optional<String> preferredUsername, Optional<String> name) {
    private static final Duration LEEWAY = Duration.ofSeconds(60);

    /**
     * Reads and checks an ID token from the token response of the sign-in that sent {@code nonce}.
     *
     * @throws Rejected naming the first check that failed
     */
    public static IdTokenClaims check(String idToken, String issuer, String clientId, String nonce, Instant now) {
        JsonObject claims = payload(idToken);
        if (!issuer.equals(claims.getValue("iss"))) {
            throw new Rejected("iss is not the issuer");
        }
        JsonArray audience = audience(claims.getValue("aud"));
        if (!audience.contains(clientId)) {
            throw new Rejected("aud does not name this client");
        }
        Object azp = claims.getValue("azp");
        if ((azp != null || audience.size() > 1) && !clientId.equals(azp)) {
            throw new Rejected("azp is not this client");
        }
        if (!(claims.getValue("exp") instanceof Number exp)
                || !now.minus(LEEWAY).isBefore(Instant.ofEpochSecond(exp.longValue()))) {
            throw new Rejected("expired");
        }
        if (!RandomValues.sameSecret(nonce, text(claims, "nonce").orElse(null))) {
            throw new Rejected("nonce does not match this sign-in");
        }
        String subject = text(claims, "sub").orElseThrow(() -> new Rejected("no sub"));
        return new IdTokenClaims(
                subject, text(claims, "sid"), text(claims, "preferred_username"), text(claims, "name"));
    }

    /** The name to greet the user with: {@code preferred_username}, else {@code name}, else {@code sub}. */
    public String displayName() {
        return preferredUsername.or(() -> name).orElse(subject);
    }

    private static JsonObject payload(String jwt) {
        String[] parts = jwt.split("\\.", -1);
        if (parts.length != 3) {
            throw new Rejected("not a signed JWT");
        }
        try {
            return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException | DecodeException | ClassCastException e) {
            throw new Rejected("payload is not a JSON object");
        }
    }

    private static JsonArray audience(Object aud) {
        if (aud instanceof String s) {
            return new JsonArray().add(s);
        }
        if (aud instanceof JsonArray array) {
            return array;
        }
        throw new Rejected("no aud");
    }

    private static Optional<String> text(JsonObject claims, String name) {
        return claims.getValue(name) instanceof String s && !s.isEmpty() ? Optional.of(s) : Optional.empty();
    }

    /** The ID token does not belong to this sign-in. */
    public static final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super("ID token rejected: " + message, null, false, false);
        }
    }
}
