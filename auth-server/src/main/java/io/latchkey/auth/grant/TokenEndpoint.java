package io.latchkey.auth.grant;

import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.http.ClientIp;
import io.latchkey.auth.http.FormBody;
import io.latchkey.auth.http.OAuthError;
import io.latchkey.auth.metrics.AuthMetrics;
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
    private final AuthMetrics metrics;

    public TokenEndpoint(ClientAuthenticator authenticator, ClientIp clientIp, List<Grant> grants) {
        this(authenticator, clientIp, grants, new AuthMetrics());
    }

    /** Counts every request in {@code metrics} by grant type and outcome. */
    public TokenEndpoint(
            ClientAuthenticator authenticator, ClientIp clientIp, List<Grant> grants, AuthMetrics metrics) {
        this.authenticator = authenticator;
        this.clientIp = clientIp;
        this.grants = grants.stream().collect(Collectors.toMap(Grant::type, Function.identity()));
        this.metrics = metrics;
    }

    public Future<JsonObject> handle(RoutingContext ctx) {
        // A label from the known grants only: a caller must not be able to grow the metric's series.
        String requested = FormBody.of(ctx).asMultiMap().get("grant_type");
        String grant = requested != null && grants.containsKey(requested) ? requested : "other";
        return dispatch(ctx)
                .onSuccess(response -> metrics.tokenRequest(grant, "issued"))
                .onFailure(e ->
                        metrics.tokenRequest(grant, e instanceof OAuthError error ? error.code() : "server_error"));
    }

    private Future<JsonObject> dispatch(RoutingContext ctx) {
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
