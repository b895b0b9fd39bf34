package io.latchkey.common.dpop;

import io.latchkey.common.dpop.DpopProofRejected.Reason;
import io.latchkey.common.jose.Base64Url;
import io.latchkey.common.jose.CompactJws;
import io.latchkey.common.jose.JwkThumbprint;
import io.latchkey.common.jose.JwsAlgorithm;
import io.latchkey.common.jose.JwsSignatures;
import io.latchkey.common.jose.PublicJwk;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Checks a DPoP proof JWT against the request it came with, per RFC 9449 §4.3: {@code typ} {@code dpop+jwt}, an
 * allowed asymmetric {@code alg}, a public {@code jwk} that fits it, the signature by that key, {@code htm} and
 * {@code htu} of this request, {@code iat} within the window, a bounded {@code jti}, {@code ath} of the access token
 * when one is presented, and the server's nonce when a {@link DpopNonceCheck} asks for one. Pure CPU, no I/O, and no
 * state but a bounded memory of parsed proof keys; thread-safe. Replay is the caller's {@link DpopReplayCache}, consulted after this (see
 * {@link #checkOnce(String, String, String, String, DpopNonceCheck, DpopReplayCache)}).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-4.3">RFC 9449 §4.3</a>
 */
public final class DpopProofChecker {
    /** RFC 9449 §4.2 media type of a proof; compared case-insensitively as media types are. */
    public static final String TYP = "dpop+jwt";

    /** The proof algorithms Latchkey accepts by default. */
    public static final Set<JwsAlgorithm> DEFAULT_ALGORITHMS =
            Collections.unmodifiableSet(EnumSet.of(JwsAlgorithm.ES256, JwsAlgorithm.RS256, JwsAlgorithm.EdDSA));

    /** How far {@code iat} may be from now, either way, unless configured otherwise. */
    public static final Duration DEFAULT_WINDOW = Duration.ofSeconds(60);

    /** Clock skew allowed on top of the window. */
    public static final Duration DEFAULT_LEEWAY = Duration.ofSeconds(5);

    /** A {@code jti} longer than this is refused: it bounds what a replay cache holds per proof. */
    public static final int MAX_JTI_LENGTH = 256;

    /** Proof keys remembered; past this the memory is simply cleared (a miss costs one JWK parse). */
    static final int KEY_CACHE_SIZE = 1024;

    private final Set<JwsAlgorithm> algorithms;
    private final Duration window;
    private final Duration leeway;
    private final Clock clock;
    /**
     * A client signs every proof with the same key: parsing its JWK, checking an EC point and building the provider's
     * key object once instead of per request leaves the signature itself as most of a proof check. Keyed by the
     * whole JWK as sent, so a cached key is exactly the one that JWK describes; refusals are never cached.
     */
    private final Map<String, ProofKey> keys = new ConcurrentHashMap<>();

    /** A parsed proof key and its thumbprint. */
    private record ProofKey(PublicJwk jwk, String jkt) {}

    public DpopProofChecker(Set<JwsAlgorithm> algorithms, Duration window, Duration leeway, Clock clock) {
        if (algorithms.isEmpty() || window.isNegative() || leeway.isNegative()) {
            throw new IllegalArgumentException("DPoP checker needs algorithms and a non-negative window and leeway");
        }
        this.algorithms = Collections.unmodifiableSet(EnumSet.copyOf(algorithms));
        this.window = window;
        this.leeway = leeway;
        this.clock = clock;
    }

    /** ES256, RS256 and EdDSA proofs, 60 s window plus 5 s leeway, the system clock. */
    public DpopProofChecker() {
        this(DEFAULT_ALGORITHMS, DEFAULT_WINDOW, DEFAULT_LEEWAY, Clock.systemUTC());
    }

    /** The accepted algorithms in {@link JwsAlgorithm} order, as {@code algs} (RFC 9449 §7.1) lists them. */
    public Set<JwsAlgorithm> algorithms() {
        return algorithms;
    }

    /** How long after now a proof's {@code iat} may still be accepted: what a replay cache must remember it for. */
    public Duration acceptance() {
        return window.plus(leeway);
    }

    /**
     * Checks {@code proof} for a request with method {@code htm} to {@code htu} (the request's own URL; it is
     * normalized here), with {@code accessToken} when the request presents one (null at a token endpoint).
     *
     * @throws DpopProofRejected for the first rule the proof breaks
     */
    public DpopProof check(String proof, String htm, String htu, String accessToken, DpopNonceCheck nonces) {
        CompactJws jws;
        try {
            jws = CompactJws.parse(proof);
        } catch (IllegalArgumentException e) {
            throw new DpopProofRejected(Reason.MALFORMED, "DPoP proof is not a compact JWS: " + e.getMessage());
        }
        JsonObject header = jws.header();
        if (!(header.getValue("typ") instanceof String typ) || !typ.equalsIgnoreCase(TYP)) {
            throw new DpopProofRejected(Reason.WRONG_TYPE, "DPoP proof typ must be dpop+jwt");
        }
        JwsAlgorithm algorithm = JwsAlgorithm.fromHeader(header.getValue("alg"))
                .filter(algorithms::contains)
                .orElseThrow(() -> new DpopProofRejected(Reason.UNSUPPORTED_ALGORITHM, "DPoP proof alg not supported"));
        if (header.containsKey("crit")) {
            throw new DpopProofRejected(Reason.MALFORMED, "DPoP proof crit is not supported");
        }
        if (!(header.getValue("jwk") instanceof JsonObject jwkJson)) {
            throw new DpopProofRejected(Reason.BAD_KEY, "DPoP proof jwk missing");
        }
        ProofKey proofKey = key(jwkJson);
        PublicJwk jwk = proofKey.jwk();
        if (!algorithm.fits(jwk)) {
            throw new DpopProofRejected(Reason.BAD_KEY, "DPoP proof jwk does not fit alg");
        }
        if (!JwsSignatures.verify(algorithm, jwk.publicKey(), jws.signingInput(), jws.signature())) {
            throw new DpopProofRejected(Reason.BAD_SIGNATURE, "DPoP proof signature does not verify");
        }

        JsonObject claims = jws.payload();
        if (!(claims.getValue("jti") instanceof String jti) || jti.isEmpty() || jti.length() > MAX_JTI_LENGTH) {
            throw new DpopProofRejected(Reason.BAD_JTI, "DPoP proof jti missing or too long");
        }
        if (!(claims.getValue("htm") instanceof String proofHtm) || !proofHtm.equals(htm)) {
            throw new DpopProofRejected(Reason.WRONG_METHOD, "DPoP proof htm does not match the request");
        }
        String proofHtu = normalizedHtu(claims.getValue("htu"));
        if (!proofHtu.equals(HtuNormalizer.normalize(htu))) {
            throw new DpopProofRejected(Reason.WRONG_URI, "DPoP proof htu does not match the request");
        }
        Instant iat = iat(claims.getValue("iat"));
        if (accessToken != null) {
            byte[] expected = Base64Url.encode(sha256(accessToken)).getBytes(StandardCharsets.US_ASCII);
            if (!(claims.getValue("ath") instanceof String ath)
                    || !MessageDigest.isEqual(expected, ath.getBytes(StandardCharsets.US_ASCII))) {
                throw new DpopProofRejected(Reason.WRONG_ATH, "DPoP proof ath does not match the access token");
            }
        }
        Object nonce = claims.getValue("nonce");
        if ((nonce != null && !(nonce instanceof String)) || !nonces.accept((String) nonce)) {
            throw new DpopProofRejected(Reason.NONCE, "DPoP proof nonce missing or stale");
        }
        return new DpopProof(proofKey.jkt(), jti, iat, proofHtm, proofHtu);
    }

    /**
     * {@link #check} then {@code replays}: the proof is accepted only the first time its key's {@code jti} is seen.
     */
    public DpopProof checkOnce(
            String proof, String htm, String htu, String accessToken, DpopNonceCheck nonces, DpopReplayCache replays) {
        DpopProof checked = check(proof, htm, htu, accessToken, nonces);
        if (!replays.firstUse(checked.jkt(), checked.jti(), checked.iat())) {
            throw new DpopProofRejected(Reason.REPLAYED, "DPoP proof jti already used");
        }
        return checked;
    }

    private ProofKey key(JsonObject jwkJson) {
        String cacheKey = jwkJson.encode();
        ProofKey cached = keys.get(cacheKey);
        if (cached != null) {
            return cached;
        }
        PublicJwk jwk;
        try {
            jwk = PublicJwk.parse(jwkJson);
        } catch (IllegalArgumentException e) {
            throw new DpopProofRejected(Reason.BAD_KEY, "DPoP proof " + e.getMessage());
        }
        ProofKey parsed = new ProofKey(jwk, JwkThumbprint.of(jwk));
        if (keys.size() >= KEY_CACHE_SIZE) {
            keys.clear();
        }
        keys.put(cacheKey, parsed);
        return parsed;
    }

    private static String normalizedHtu(Object htu) {
        if (!(htu instanceof String text)) {
            throw new DpopProofRejected(Reason.WRONG_URI, "DPoP proof htu missing");
        }
        try {
            return HtuNormalizer.normalize(text);
        } catch (IllegalArgumentException e) {
            throw new DpopProofRejected(Reason.WRONG_URI, "DPoP proof htu is not an http(s) URI");
        }
    }

    private Instant iat(Object value) {
        if (!(value instanceof Number number) || number.doubleValue() != Math.floor(number.doubleValue())) {
            throw new DpopProofRejected(Reason.IAT_OUT_OF_WINDOW, "DPoP proof iat missing or not a whole number");
        }
        long seconds = number.longValue();
        long now = clock.instant().getEpochSecond();
        long allowed = acceptance().getSeconds();
        if (seconds < now - allowed || seconds > now + allowed) {
            throw new DpopProofRejected(Reason.IAT_OUT_OF_WINDOW, "DPoP proof iat outside the accepted window");
        }
        return Instant.ofEpochSecond(seconds);
    }

    static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
