package io.latchkey.auth.http;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.dpop.DpopNonces;
import io.latchkey.auth.dpop.TokenEndpointProofs;
import io.latchkey.auth.grant.GrantDispatcher;
import io.latchkey.auth.introspect.Introspection;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.common.http.Cors;
import io.latchkey.common.http.GetAndHead;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * The OAuth surface: metadata (RFC 8414 and OpenID Discovery), {@code /oauth2/token}, {@code /oauth2/introspect}.
 * Handlers only read the request into values; the work is in {@link
 * GrantDispatcher} and {@link Introspection}. Any web page may read the metadata ({@code
 * Access-Control-Allow-Origin: *}); the token endpoint allows the origins its clients list ({@link ClientCors});
 * introspection, for confidential clients only, answers no preflight.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-3">RFC 8414 §3</a>
 */
public final class TokenRoutes {
    private final JsonObject metadata;
    private final JsonObject openidConfiguration;
    private final GrantDispatcher grants;
    private final ClientAuthenticator authenticator;
    private final Introspection introspection;
    private final ClientIp clientIp;
    private final ClientCors cors;
    private final DpopNonces nonces;

    /** @param nonces the server's DPoP nonces when proofs must carry one, else null */
    public TokenRoutes(
            JsonObject metadata,
            JsonObject openidConfiguration,
            GrantDispatcher grants,
            ClientAuthenticator authenticator,
            Introspection introspection,
            ClientIp clientIp,
            ClientCors cors,
            DpopNonces nonces) {
        this.metadata = metadata;
        this.openidConfiguration = openidConfiguration;
        this.grants = grants;
        this.authenticator = authenticator;
        this.introspection = introspection;
        this.clientIp = clientIp;
        this.cors = cors;
        this.nonces = nonces;
    }

    public void mount(Router router) {
        String document = metadata.encode();
        Cors.allowAnyOrigin(router, "/.well-known/oauth-authorization-server");
        Cors.allowAnyOrigin(router, "/.well-known/openid-configuration");
        GetAndHead.route(router, "/.well-known/oauth-authorization-server").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(document));
        String openid = openidConfiguration.encode();
        GetAndHead.route(router, "/.well-known/openid-configuration").handler(ctx -> ctx.response()
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "public, max-age=300")
                .end(openid));
        cors.mountPreflight(router, "/oauth2/token");
        router.post("/oauth2/token")
                .handler(NoStore::apply)
                .handler(FormBodyReader::read)
                .handler(Reply.json(200, this::token));
        router.post("/oauth2/introspect")
                .handler(NoStore::apply)
                .handler(FormBodyReader::read)
                .handler(Reply.json(200, this::introspect));
    }

    private Future<JsonObject> token(RoutingContext ctx) {
        if (nonces != null) {
            // On every answer, errors included: a use_dpop_nonce refusal carries the nonce to retry with, and a
            // success the one to use next (RFC 9449 §8, §8.2).
            ctx.response().putHeader("DPoP-Nonce", nonces.current());
        }
        return grants.dispatch(
                ctx.request().getHeader("Authorization"),
                FormBodyReader.of(ctx),
                clientIp.of(ctx.request()),
                ctx.request().headers().getAll(TokenEndpointProofs.HEADER),
                client -> ClientCors.allowIfListed(ctx, client));
    }

    private Future<JsonObject> introspect(RoutingContext ctx) {
        FormBody form = FormBodyReader.of(ctx);
        return authenticator
                .authenticateConfidential(ctx.request().getHeader("Authorization"), form)
                .compose(client -> introspection.introspect(client, form.required("token")));
    }
}
