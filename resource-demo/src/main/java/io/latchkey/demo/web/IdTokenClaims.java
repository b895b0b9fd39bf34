package io.latchkey.demo.web;

import io.latchkey.verifier.SignedJwt;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * What the app takes from an ID token whose signature the verifier checked against the issuer's JWKS: who signed in
 * ({@code sub}, {@code name}, {@code preferred_username}) and the auth-server session ({@code sid}) a back-channel
 * logout names. {@link #check} makes sure the token belongs to this sign-in, in the order of OpenID Connect Core
 * §3.1.3.7: the exact issuer, this client as the audience ({@code azp} too when present), {@code exp} and {@code iat}
 * within 60 s of clock skew, the {@code nonce} this sign-in sent (so a code stolen from another sign-in is useless
 * here), and {@code at_hash} equal to the access token's (so the two came out of the same exchange).
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#IDTokenValidation">OpenID Connect Core §3.1.3.7</a>
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#CodeFlowTokenValidation">§3.1.3.8 (at_hash)</a>
 */
public record IdTokenClaims(
        String subject, Optional<String> sessionId, Optional<String> name, Optional<String> preferredUsername) {
    /** What the ID token must match: the issuer, this client, the nonce this sign-in sent, its access token. */
    public record Expected(String issuer, String clientId, String nonce, String accessToken) {
        @Override
        public String toString() {
            return "Expected[issuer=" + issuer + ", clientId=" + clientId + "]";
        }
    }

    /**
     * Checks the claims of an ID token whose signature was verified.
     *
     * @throws Rejected naming the first check that failed
     */
    public static IdTokenClaims check(SignedJwt token, Expected expected, Instant now) {
        JsonObject claims = token.claims();
        try {
            JwtClaims.issuer(claims, expected.issuer());
            JwtClaims.audienceIsOnly(claims, expected.clientId());
            Optional<String> azp = JwtClaims.text(claims, "azp");
            if (azp.isPresent() && !azp.get().equals(expected.clientId())) {
                throw new JwtClaims.Rejected("azp is not this client");
            }
            JwtClaims.times(claims, now.getEpochSecond());
            if (!RandomValues.sameSecret(
                    expected.nonce(), JwtClaims.text(claims, "nonce").orElse(null))) {
                throw new JwtClaims.Rejected("nonce is not this sign-in's");
            }
            String atHash = JwtClaims.text(claims, "at_hash").orElseThrow(() -> new JwtClaims.Rejected("no at_hash"));
            if (!RandomValues.sameSecret(atHash(expected.accessToken(), token.algorithm()), atHash)) {
                throw new JwtClaims.Rejected("at_hash does not match the access token");
            }
            String subject = JwtClaims.text(claims, "sub").orElseThrow(() -> new JwtClaims.Rejected("no sub"));
            return new IdTokenClaims(
                    subject,
                    JwtClaims.text(claims, "sid"),
                    JwtClaims.text(claims, "name"),
                    JwtClaims.text(claims, "preferred_username"));
        } catch (JwtClaims.Rejected e) {
            throw new Rejected(e.getMessage());
        }
    }

    /** The name to greet the user with: {@code name}, else {@code preferred_username}, else {@code sub}. */
    public String displayName() {
        return name.or(() -> preferredUsername).orElse(subject);
    }

    /**
     * Core §3.1.3.6: base64url of the left half of the hash of the access token's ASCII octets, the hash being the
     * one of the ID token's {@code alg} (SHA-256 for RS256, the one the verifier accepts).
     */
    static String atHash(String accessToken, String algorithm) {
        String digest =
                switch (algorithm.substring(Math.max(0, algorithm.length() - 3))) {
                    case "256" -> "SHA-256";
                    case "384" -> "SHA-384";
                    case "512" -> "SHA-512";
                    default -> throw new JwtClaims.Rejected("no at_hash rule for alg " + algorithm);
                };
        try {
            byte[] hash = MessageDigest.getInstance(digest).digest(accessToken.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(Arrays.copyOf(hash, hash.length / 2));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(digest + " is in every JVM", e);
        }
    }

    /** The ID token does not belong to this sign-in. */
    public static final class Rejected extends RuntimeException {
        public Rejected(String message) {
            super("ID token rejected: " + message, null, false, false);
        }
    }
}
