package io.latchkey.auth.dpop;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.dpop.DpopNonceCheck;
import io.latchkey.common.dpop.DpopProof;
import io.latchkey.common.dpop.DpopProofChecker;
import io.latchkey.common.dpop.DpopProofRejected;
import io.latchkey.common.jose.JwsAlgorithm;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How auth-server's own endpoints that take an access token (userinfo) hold a DPoP-bound one to its key (RFC 9449
 * §7): a token with {@code cnf.jkt} is accepted only as {@code Authorization: DPoP} with exactly one proof for
 * this request ({@code htm}, {@code htu}, {@code ath} of the token) signed by that key and used once across
 * replicas; sent as Bearer it is refused, so a stolen copy is useless. An unbound token is accepted as Bearer only.
 * Every refusal is a 401 with a {@code DPoP} challenge naming the accepted algorithms (§7.1).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-7">RFC 9449 §7</a>
 */
public final class AccessTokenProofs {
    private static final Logger LOG = LoggerFactory.getLogger(AccessTokenProofs.class);

    private final DpopProofChecker checker;
    private final PgProofJtiRepository jtis;
    private final String algs;
    private final ProofCheckThreads threads;

    public AccessTokenProofs(DpopProofChecker checker, PgProofJtiRepository jtis, ProofCheckThreads threads) {
        this.checker = checker;
        this.threads = threads;
        this.jtis = jtis;
        this.algs = checker.algorithms().stream().map(JwsAlgorithm::name).collect(Collectors.joining(" "));
    }

    /** An access token as presented: its {@code Authorization} scheme and the token. */
    public record Presented(String scheme, String token) {
        boolean dpop() {
            return scheme.equals(SenderConstrainedTokens.DPOP);
        }
    }

    /**
     * The token of an {@code Authorization: Bearer} (RFC 6750 §2.1) or {@code Authorization: DPoP} (RFC 9449 §7.1)
     * header; schemes are case-insensitive. Throws the RFC 6750 errors for a missing or malformed one.
     */
    public static Presented read(String header) {
        if (header == null || header.isBlank()) {
            throw OAuthError.missingToken();
        }
        for (String scheme : List.of(SenderConstrainedTokens.BEARER, SenderConstrainedTokens.DPOP)) {
            int length = scheme.length() + 1;
            if (header.regionMatches(true, 0, scheme + " ", 0, length)
                    && !header.substring(length).isBlank()) {
                return new Presented(scheme, header.substring(length).trim());
            }
        }
        throw OAuthError.invalidToken("The access token is malformed");
    }

    /**
     * Succeeds when the verified token's {@code claims} may be used as {@code presented} with the request's {@code
     * DPoP} headers, for a request of method {@code htm} to {@code htu}.
     */
    public Future<Void> confirm(Presented presented, JsonObject claims, List<String> proofs, String htm, String htu) {
        String bound = claims.getValue("cnf") instanceof JsonObject cnf && cnf.getValue("jkt") instanceof String jkt
                ? jkt
                : null;
        if (bound == null) {
            return presented.dpop()
                    ? refuse("invalid_token", "The access token is not DPoP-bound: send it as Bearer")
                    : Future.succeededFuture();
        }
        if (!presented.dpop()) {
            LOG.info("DPoP-bound token presented as Bearer refused client={}", claims.getValue("client_id"));
            return refuse("invalid_token", "The access token is DPoP-bound: send it with the DPoP scheme and a proof");
        }
        if (proofs.size() != 1) {
            return refuse("invalid_dpop_proof", "Send exactly one DPoP proof");
        }
        String proof = proofs.get(0);
        return threads.run(() -> checker.check(proof, htm, htu, presented.token(), DpopNonceCheck.NONE))
                .recover(e -> {
                    if (e instanceof DpopProofRejected rejected) {
                        LOG.info("DPoP proof refused at {}: reason={}", htu, rejected.reason());
                        return refuse("invalid_dpop_proof", rejected.getMessage());
                    }
                    return Future.failedFuture(e);
                })
                .compose(checked -> confirmKey(bound, checked, htu));
    }

    private Future<Void> confirmKey(String bound, DpopProof proof, String htu) {
        if (!MessageDigest.isEqual(
                bound.getBytes(StandardCharsets.US_ASCII), proof.jkt().getBytes(StandardCharsets.US_ASCII))) {
            LOG.info("DPoP proof refused at {}: reason=KEY_MISMATCH", htu);
            return refuse("invalid_dpop_proof", "The DPoP proof's key is not the one the access token is bound to");
        }
        return jtis.record(proof.jkt(), proof.jti(), proof.iat())
                .compose(first -> first
                        ? Future.<Void>succeededFuture()
                        : refuse("invalid_dpop_proof", "DPoP proof jti already used"));
    }

    private <T> Future<T> refuse(String code, String description) {
        return Future.failedFuture(OAuthError.dpopChallenge(code, description, algs));
    }
}
