package io.latchkey.verifier.http;

import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.Verifier;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.AuthenticationHandler;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Vert.x Web handler that admits a request only with a valid bearer token in the {@code Authorization} header and
 * puts its {@link AccessToken} on the {@link RoutingContext} for the handlers after it. Anything wrong with the
 * token is a 401 {@code invalid_token}, never a 5xx; a verifier that cannot vouch for tokens answers 503. As an
 * {@link AuthenticationHandler} it goes after any {@code BodyHandler} on a route, as Vert.x Web requires.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class BearerAuthHandler implements AuthenticationHandler {
    /** The {@link RoutingContext} key under which the verified token is stored. */
    public static final String ACCESS_TOKEN = "latchkey.accessToken";

    private static final Logger LOG = LoggerFactory.getLogger(BearerAuthHandler.class);
    private static final String BEARER = "Bearer ";

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
        List<String> headers = ctx.request().headers().getAll(HttpHeaders.AUTHORIZATION);
        if (headers.isEmpty()) {
            BearerErrors.missingToken(ctx, realm);
            return;
        }
        if (headers.size() > 1) {
            BearerErrors.invalidRequest(ctx, realm, "more than one Authorization header");
            return;
        }
        String header = headers.get(0);
        if (header.length() <= BEARER.length() || !header.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            BearerErrors.missingToken(ctx, realm);
            return;
        }
        String token = header.substring(BEARER.length()).trim();
        verifier.verify(token).onComplete(ar -> {
            if (ar.succeeded()) {
                ctx.put(ACCESS_TOKEN, ar.result());
                ctx.next();
            } else if (ar.cause() instanceof TokenRejected rejected) {
                LOG.debug("Token rejected: {}", rejected.getMessage());
                BearerErrors.invalidToken(ctx, realm, rejected.clientDescription());
            } else if (ar.cause() instanceof VerifierUnavailable) {
                BearerErrors.unavailable(ctx);
            } else {
                LOG.error("Unexpected failure verifying a token", ar.cause());
                BearerErrors.invalidToken(ctx, realm, "the access token is invalid");
            }
        });
    }
}
