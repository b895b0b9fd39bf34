package io.latchkey.auth.http;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.revocation.RevocationRateLimiter;
import io.latchkey.auth.revocation.TokenRevocation;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /oauth2/revoke}: authenticates the client as the token endpoint does (a public client names itself
 * with {@code client_id}), admits at most the configured rate per client (503 {@code temporarily_unavailable}
 * with {@code Retry-After} beyond it), requires {@code token}, and answers 200 with an empty body whether or not
 * anything was revoked. {@code token_type_hint} is accepted and not needed. The work is in {@link
 * TokenRevocation}. A browser page may call it from an origin its client lists ({@link ClientCors}); the origin is
 * allowed as soon as the client has authenticated, so the rate limit's 503 is readable too.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2">RFC 7009 §2</a>
 */
public final class RevokeRoutes {
    private final ClientAuthenticator authenticator;
    private final RevocationRateLimiter limiter;
    private final TokenRevocation revocation;
    private final ClientIp clientIp;
    private final ClientCors cors;

    public RevokeRoutes(
            ClientAuthenticator authenticator,
            RevocationRateLimiter limiter,
            TokenRevocation revocation,
            ClientIp clientIp,
            ClientCors cors) {
        this.authenticator = authenticator;
        this.limiter = limiter;
        this.revocation = revocation;
        this.clientIp = clientIp;
        this.cors = cors;
    }

    public void mount(Router router) {
        cors.mountPreflight(router, "/oauth2/revoke");
        router.post("/oauth2/revoke")
                .handler(NoStore::apply)
                .handler(FormBodyReader::read)
                .handler(Reply.empty(200, this::revoke));
    }

    private Future<Void> revoke(RoutingContext ctx) {
        FormBody form = FormBodyReader.of(ctx);
        String ip = clientIp.of(ctx.request());
        return authenticator
                .authenticate(ctx.request().getHeader("Authorization"), form)
                .compose(client -> {
                    ClientCors.allowIfListed(ctx, client);
                    var wait = limiter.acquire(client.clientId());
                    if (wait.isPresent()) {
                        return Future.failedFuture(OAuthError.temporarilyUnavailable(
                                "Too many revocation requests; try again later", wait.getAsLong()));
                    }
                    return revocation.revoke(client, form.required("token"), ip);
                });
    }
}
