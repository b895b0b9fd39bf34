package io.latchkey.auth.jwt;

import io.latchkey.auth.feed.RevocationRepository;
import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.jose.JwsSignatures;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.PublicKey;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Verifies auth-server's own access tokens (introspection, admin bearer tokens): RS256 or ES256, the one the
 * signing key's type pins (a header {@code alg} other than its key's is refused, so no RS/ES confusion and never
 * {@code none}), header {@code typ}
 * {@code at+jwt}, a {@code kid} among the live signing keys, no {@code crit}, the exact issuer, {@code exp} and
 * {@code iat} within 60 s of leeway, and not revoked by a {@code jti}, {@code sid} or {@code sub} entry.
 * Returns the claims, or empty for any token that is not valid.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9068#section-4">RFC 9068 §4</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.1">RFC 8725 §3.1</a>
 */
public final class AccessTokenVerifier {
    private static final long LEEWAY = 60;
    private static final int MAX_TOKEN_LENGTH = 8 * 1024;

    private final SigningKeys keys;
    private final RevocationRepository revocations;
    private final String issuer;
    private final LongSupplier millis;

    public AccessTokenVerifier(SigningKeys keys, RevocationRepository revocations, String issuer, LongSupplier millis) {
        this.keys = keys;
        this.revocations = revocations;
        this.issuer = issuer;
        this.millis = millis;
    }

    public Future<Optional<JsonObject>> verify(String token) {
        Parsed parsed = Parsed.of(token);
        if (parsed == null) {
            return Future.succeededFuture(Optional.empty());
        }
        JsonObject header = parsed.header;
        if (!(header.getValue("alg") instanceof String alg)
                || !"at+jwt".equals(header.getValue("typ"))
                || header.containsKey("crit")
                || !(header.getValue("kid") instanceof String kid)) {
            return Future.succeededFuture(Optional.empty());
        }
        return keys.find(kid).compose(key -> {
            if (key.isEmpty() || !signatureValid(key.get(), alg, parsed)) {
                return Future.succeededFuture(Optional.empty());
            }
            JsonObject claims = parsed.claims;
            if (!claimsValid(claims)) {
                return Future.succeededFuture(Optional.empty());
            }
            return notRevoked(claims).map(ok -> ok ? Optional.of(claims) : Optional.<JsonObject>empty());
        });
    }

    /**
     * An ID token this server issued, as an {@code id_token_hint} (RP-Initiated Logout 1.0 §2): RS256 or ES256 as
     * its key pins, header
     * {@code typ} {@code JWT}, a live signing key, the exact issuer, and {@code sub}, {@code aud} and {@code sid}
     * present. An expired one still names its session, as the specification asks an OP to accept; revocation does
     * not apply (the hint asks to end what may already be ended).
     */
    public Future<Optional<JsonObject>> verifyIdTokenHint(String token) {
        Parsed parsed = Parsed.of(token);
        if (parsed == null) {
            return Future.succeededFuture(Optional.empty());
        }
        JsonObject header = parsed.header;
        if (!(header.getValue("alg") instanceof String alg)
                || !"JWT".equals(header.getValue("typ"))
                || header.containsKey("crit")
                || !(header.getValue("kid") instanceof String kid)) {
            return Future.succeededFuture(Optional.empty());
        }
        return keys.find(kid).map(key -> {
            JsonObject claims = parsed.claims;
            boolean valid = key.isPresent()
                    && signatureValid(key.get(), alg, parsed)
                    && issuer.equals(claims.getValue("iss"))
                    && claims.getValue("sub") instanceof String
                    && claims.getValue("aud") instanceof String
                    && claims.getValue("sid") instanceof String;
            return valid ? Optional.of(claims) : Optional.<JsonObject>empty();
        });
    }

    /** Whether {@code aud} (a string or an array) contains {@code audience}. */
    public static boolean hasAudience(JsonObject claims, String audience) {
        Object aud = claims.getValue("aud");
        if (aud instanceof String s) {
            return s.equals(audience);
        }
        return aud instanceof JsonArray a && a.contains(audience);
    }

    public static List<String> scopes(JsonObject claims) {
        Object scope = claims.getValue("scope");
        return scope instanceof String s && !s.isEmpty() ? List.of(s.split(" ")) : List.of();
    }

    private boolean claimsValid(JsonObject claims) {
        long now = millis.getAsLong() / 1000;
        return issuer.equals(claims.getValue("iss"))
                && claims.getValue("exp") instanceof Number exp
                && exp.longValue() + LEEWAY > now
                && claims.getValue("iat") instanceof Number iat
                && iat.longValue() - LEEWAY <= now
                && claims.getValue("sub") instanceof String
                && claims.getValue("jti") instanceof String
                && claims.getValue("client_id") instanceof String
                && (!claims.containsKey("nbf")
                        || (claims.getValue("nbf") instanceof Number nbf && nbf.longValue() - LEEWAY <= now));
    }

    private Future<Boolean> notRevoked(JsonObject claims) {
        Object sid = claims.getValue("sid");
        return revocations
                .isRevoked(
                        claims.getString("jti"),
                        sid instanceof String s ? s : null,
                        claims.getString("sub"),
                        claims.getLong("iat"))
                .map(revoked -> !revoked);
    }

    /**
     * Whether {@code parsed} carries a valid signature of {@code key} under the header's {@code alg}, which must be
     * the one the key verifies ({@link JwsSignatures}: ES256 only as R‖S, RFC 7518 §3.4).
     */
    private static boolean signatureValid(PublicKey key, String alg, Parsed parsed) {
        JwsAlgorithm pinned = SigningKeys.algorithmOf(key);
        return pinned.jwsName().equals(alg) && JwsSignatures.verify(pinned, key, parsed.signingInput, parsed.signature);
    }

    private record Parsed(JsonObject header, JsonObject claims, byte[] signingInput, byte[] signature) {
        static Parsed of(String token) {
            if (token == null || token.length() > MAX_TOKEN_LENGTH) {
                return null;
            }
            String[] parts = token.split("\\.", -1);
            if (parts.length != 3) {
                return null;
            }
            try {
                Base64.Decoder d = Base64.getUrlDecoder();
                JsonObject header = new JsonObject(new String(d.decode(parts[0]), StandardCharsets.UTF_8));
                JsonObject claims = new JsonObject(new String(d.decode(parts[1]), StandardCharsets.UTF_8));
                byte[] input = (parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII);
                return new Parsed(header, claims, input, d.decode(parts[2]));
            } catch (RuntimeException e) {
                return null;
            }
        }
    }
}
