package io.latchkey.auth.dpop;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.dpop.DpopNonceCheck;
import io.latchkey.common.dpop.DpopProof;
import io.latchkey.common.dpop.DpopProofChecker;
import io.latchkey.common.dpop.DpopProofRejected;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DPoP proof of a token request (RFC 9449 §5): at most one {@code DPoP} header, checked for {@code POST} to
 * the issuer's token endpoint, with the server's nonce when {@code LATCHKEY_DPOP_NONCE_REQUIRED} is on, and its
 * {@code jti} used once across replicas ({@link PgProofJtiRepository}). A client registered with {@code
 * dpop_bound_access_tokens} must send one. Answers the proof's key thumbprint ({@code jkt}), or empty when the
 * request has no proof; a bad proof is {@code invalid_dpop_proof}, a missing or stale nonce {@code use_dpop_nonce}.
 * The signature check runs where {@link ProofCheckThreads} says; the replay check is one INSERT.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-5">RFC 9449 §5</a>
 */
public final class TokenEndpointProofs {
    private static final Logger LOG = LoggerFactory.getLogger(TokenEndpointProofs.class);
    public static final String HEADER = "DPoP";

    private final DpopProofChecker checker;
    private final PgProofJtiRepository jtis;
    private final DpopNonceCheck nonces;
    private final String tokenEndpoint;
    private final ProofCheckThreads threads;

    /**
     * @param nonces {@code null} when nonces are not required; else the proofs must carry one of its nonces
     */
    public TokenEndpointProofs(
            DpopProofChecker checker,
            PgProofJtiRepository jtis,
            DpopNonces nonces,
            String tokenEndpoint,
            ProofCheckThreads threads) {
        this.checker = checker;
        this.threads = threads;
        this.jtis = jtis;
        this.nonces = nonces == null ? DpopNonceCheck.NONE : nonces::accepts;
        this.tokenEndpoint = tokenEndpoint;
    }

    /** The {@code jkt} of the request's proof, or empty when it has none and {@code client} needs none. */
    public Future<Optional<String>> check(Client client, List<String> headers) {
        if (headers.isEmpty()) {
            if (client.metadata().dpopBoundAccessTokens()) {
                LOG.info("token request refused: client={} must send a DPoP proof", client.clientId());
                return Future.failedFuture(OAuthError.invalidDpopProof("This client must send a DPoP proof"));
            }
            return Future.succeededFuture(Optional.empty());
        }
        if (headers.size() > 1) {
            return Future.failedFuture(OAuthError.invalidDpopProof("Send exactly one DPoP header"));
        }
        String presented = headers.get(0);
        return threads.run(() -> checker.check(presented, "POST", tokenEndpoint, null, nonces))
                .recover(e -> Future.failedFuture(refusal(client, e)))
                .compose(proof -> recordOnce(client, proof));
    }

    private static Throwable refusal(Client client, Throwable e) {
        if (!(e instanceof DpopProofRejected rejected)) {
            return e;
        }
        LOG.info("DPoP proof refused at the token endpoint: client={} reason={}", client.clientId(), rejected.reason());
        return rejected.reason() == DpopProofRejected.Reason.NONCE
                ? OAuthError.useDpopNonce()
                : OAuthError.invalidDpopProof(rejected.getMessage());
    }

    private Future<Optional<String>> recordOnce(Client client, DpopProof proof) {
        return jtis.record(proof.jkt(), proof.jti(), proof.iat()).compose(first -> {
            if (!first) {
                LOG.info("DPoP proof refused at the token endpoint: client={} reason=REPLAYED", client.clientId());
                return Future.failedFuture(OAuthError.invalidDpopProof("DPoP proof jti already used"));
            }
            return Future.succeededFuture(Optional.of(proof.jkt()));
        });
    }
}
