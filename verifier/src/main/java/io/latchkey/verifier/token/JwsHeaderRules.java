package io.latchkey.verifier.token;

import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Set;

/**
 * The JOSE header rules every Latchkey JWT passes, whatever its type: {@code alg} RS256 or ES256 (the algorithms
 * the verifier's keys are pinned to; which one a token may use is its key's, see {@link TokenSignature}), the expected {@code typ} (explicit typing, so a token of one kind is never taken for
 * another), a {@code kid}, no {@code crit}, and no header that names a key ({@code jku}, {@code jwk}, {@code x5u},
 * {@code x5c}, {@code x5t}): Latchkey never sets them, so a token carrying one is forged.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.11">RFC 8725 §3.11 (explicit typing)</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7515#section-4.1.9">RFC 7515 §4.1.9 ({@code typ})</a>
 */
public final class JwsHeaderRules {
    /** The algorithms Latchkey signs with; {@link io.latchkey.verifier.jwks.JwkSetParser} keeps only keys for them. */
    public static final Set<JwsAlgorithm> ALGORITHMS = Set.of(JwsAlgorithm.RS256, JwsAlgorithm.ES256);

    private static final List<String> KEY_HEADERS = List.of("jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256");

    private JwsHeaderRules() {}

    /**
     * Checks the header of a JWS that must be of type {@code typ} and returns the {@code kid} to verify it with. The
     * type compares case-insensitively, with or without the {@code application/} prefix (RFC 7515 §4.1.9).
     */
    public static String check(JsonObject header, String typ) {
        algorithm(header);
        if (!(header.getValue("typ") instanceof String t)
                || !(t.equalsIgnoreCase(typ) || t.equalsIgnoreCase("application/" + typ))) {
            throw new TokenRejected(Reason.WRONG_TYPE, "typ must be " + typ);
        }
        if (header.containsKey("crit")) {
            throw new TokenRejected(Reason.FORBIDDEN_HEADER, "crit is not supported");
        }
        for (String name : KEY_HEADERS) {
            if (header.containsKey(name)) {
                throw new TokenRejected(Reason.FORBIDDEN_HEADER, name + " is never used");
            }
        }
        if (!(header.getValue("kid") instanceof String kid) || kid.isEmpty()) {
            throw new TokenRejected(Reason.MALFORMED, "kid is required");
        }
        return kid;
    }

    /** The header's {@code alg} when it is RS256 or ES256 ({@code none}, HS*, EdDSA and the rest are refused). */
    public static JwsAlgorithm algorithm(JsonObject header) {
        return JwsAlgorithm.fromHeader(header.getValue("alg"))
                .filter(ALGORITHMS::contains)
                .orElseThrow(() -> new TokenRejected(Reason.UNSUPPORTED_ALGORITHM, "alg must be RS256 or ES256"));
    }
}
