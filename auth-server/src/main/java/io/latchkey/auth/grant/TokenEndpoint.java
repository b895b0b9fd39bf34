package io.latchkey.auth.grant;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.http.ClientIp;
import io.latchkey.auth.http.FormBody;
import io.latchkey.auth.http.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * {@code POST /oauth2/token}: requires {@code grant_type}, authenticates the client, checks the client may use
 * the grant, and dispatches to one {@link Grant} per type.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 */
public final class TokenEndpoint {
    private final ClientAuthenticator authenticator;
    private final ClientIp clientIp;
    private final Map<String, Grant> grants;

    public TokenEndpoint(ClientAuthenticator authenticator, ClientIp clientIp, List<Grant> grants) {
        this.authenticator = authenticator;
        this.clientIp = clientIp;
        this.grants = grants.stream().collect(Collectors.toMap(Grant::type, Function.identity()));
    }

    public Future<JsonObject> handle(RoutingContext ctx) {
        FormBody form = FormBody.of(ctx);
        String grantType;
        try {
            grantType = form.required("grant_type");
        } catch (OAuthError e) {
            return Future.failedFuture(e);
        }
        Grant grant = grants.get(grantType);
        String ip = clientIp.of(ctx.request());
        return authenticator
                .authenticate(ctx.request().getHeader("Authorization"), form)
                .compose(client -> {
                    if (grant == null) {
                        return Future.failedFuture(OAuthError.unsupportedGrantType("The grant type is not supported"));
                    }
                    if (!client.allows(grantType)) {
                        return Future.failedFuture(
                                OAuthError.unauthorizedClient("The client is not allowed to use this grant type"));
                    }
                    try {
                        return grant.handle(new TokenRequest(client, form, ip));
                    } catch (OAuthError e) {
                        return Future.failedFuture(e);
                    }
                });
    }
}
