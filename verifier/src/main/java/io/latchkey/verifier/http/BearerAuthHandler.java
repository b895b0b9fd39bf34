package io.latchkey.verifier.http;

import io.latchkey.common.dpop.DpopProofRejected;
import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.Verifier;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x Web handler that admits a request only with a valid access token in the {@code Authorization} header and
 * puts its {@link AccessToken} on the {@link RoutingContext} for the handlers after it. Two schemes: {@code Bearer}
 * (RFC 6750; a DPoP-bound token is refused there) and {@code DPoP} (RFC 9449 §7.1: a bound token plus one {@code DPoP}
 * header with a fresh proof for this method and URL). Anything wrong with the token is a 401 {@code invalid_token},
 * with the proof a 401 {@code invalid_dpop_proof}, never a 5xx; a verifier that cannot vouch for tokens answers 503.
 * As an {@link AuthenticationHandler} it goes after any {@code BodyHandler} on a route, as Vert.x Web requires.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9449#section-7.1">RFC 9449 §7.1</a>
 */
public final class BearerAuthHandler implements AuthenticationHandler {
    /** The {@link RoutingContext} key under which the verified token is stored. */
    public static final String ACCESS_TOKEN = "latchkey.accessToken";

    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthHandler.class);
    private static final String BEARER = "Bearer ";
    private static final String DPOP = "DPoP ";

    private final Verifier verifier;
    private final String realm;

    private BearerAuthHandler(Verifier verifier) {
        this.verifier = verifier;
        this.realm = verifier.audience();
    }

    public static BearerAuthHandler create(Verifier verifier) {
        return new BearerAuthHandler(verifier);
    }

    /** The verified token of a request that passed this handler. */
    public static AccessToken accessToken(RoutingContext ctx) {
        AccessToken token = ctx.get(ACCESS_TOKEN);
        if (token == null) {
            throw new IllegalStateException("BearerAuthHandler did not run before this handler");
        }
        return token;
    }

    @Override
    public void handle(RoutingContext ctx) {
        if (!verifier.ready()) {
            BearerErrors.unavailable(ctx);
            return;
        }
        HttpServerRequest request = ctx.request();
        List<String> headers = request.headers().getAll(HttpHeaders.AUTHORIZATION);
        if (headers.isEmpty()) {
            BearerErrors.missingToken(ctx, realm, verifier.dpopAlgorithms());
            return;
        }
        if (headers.size() > 1) {
            BearerErrors.invalidRequest(ctx, realm, "more than one Authorization header");
            return;
        }
        String header = headers.get(0);
        if (startsWithScheme(header, DPOP)) {
            ctx.put(BearerErrors.DPOP_ALGS, verifier.dpopAlgorithms());
            String token = header.substring(DPOP.length()).trim();
            List<String> proofs = request.headers().getAll("DPoP");
            if (proofs.size() != 1) {
                BearerErrors.invalidDpopProof(ctx, realm, "exactly one DPoP header is required");
                return;
            }
            String htu = verifier.dpopTargetUri(request.path(), request.absoluteURI());
            verifier.verifyDpop(token, proofs.get(0), request.method().name(), htu)
                    .onComplete(ar -> complete(ctx, ar));
        } else if (startsWithScheme(header, BEARER)) {
            String token = header.substring(BEARER.length()).trim();
            verifier.verify(token).onComplete(ar -> complete(ctx, ar));
        } else {
            BearerErrors.missingToken(ctx, realm, verifier.dpopAlgorithms());
        }
    }

    private void complete(RoutingContext ctx, AsyncResult<AccessToken> ar) {
        if (ar.succeeded()) {
            ctx.put(ACCESS_TOKEN, ar.result());
            ctx.next();
        } else if (ar.cause() instanceof TokenRejected rejected) {
            LOG.debug("Token rejected: {}", rejected.getMessage());
            BearerErrors.invalidToken(ctx, realm, rejected.clientDescription());
        } else if (ar.cause() instanceof DpopProofRejected rejected) {
            LOG.debug("DPoP proof rejected: {}", rejected.getMessage());
            BearerErrors.invalidDpopProof(ctx, realm, rejected.getMessage());
        } else if (ar.cause() instanceof VerifierUnavailable) {
            BearerErrors.unavailable(ctx);
        } else {
            LOG.error("Unexpected failure verifying a token", ar.cause());
            BearerErrors.invalidToken(ctx, realm, "the access token is invalid");
        }
    }

    private static boolean startsWithScheme(String header, String scheme) {
        // RFC 9110 §11.1: the scheme is case-insensitive.
        return header.length() > scheme.length() && header.regionMatches(true, 0, scheme, 0, scheme.length());
    }
}
