package io.latchkey.auth.grant;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What {@code POST /oauth2/token} does once its form is read: requires {@code grant_type}, authenticates the
 * client, checks the client may use the grant, screens the request ({@link TokenRequestScreen}: source IP, DPoP
 * proof), and dispatches to one {@link Grant} per type. Every request is
 * counted by grant type and outcome. It sees plain values, never the HTTP request; the caller learns which client
 * authenticated through a callback, since an answer may depend on it (CORS) whether the grant succeeds or not.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-3.2">RFC 6749 §3.2</a>
 */
public final class GrantDispatcher {
    private final ClientAuthenticator authenticator;
    private final Map<String, Grant> grants;
    private final AuthMetrics metrics;
    private final TokenRequestScreen screen;

    public GrantDispatcher(ClientAuthenticator authenticator, List<Grant> grants, AuthMetrics metrics) {
        this(authenticator, grants, metrics, TokenRequestScreen.NONE);
    }

    public GrantDispatcher(
            ClientAuthenticator authenticator, List<Grant> grants, AuthMetrics metrics, TokenRequestScreen screen) {
        this.authenticator = authenticator;
        this.grants = grants.stream().collect(Collectors.toMap(Grant::type, Function.identity()));
        this.metrics = metrics;
        this.screen = screen;
    }

    /**
     * The RFC 6749 §5.1 success body, or a failed future with an {@link OAuthError}.
     *
     * @param authorization the request's {@code Authorization} header, or {@code null}
     * @param ip the client's address, as the HTTP layer determined it
     * @param authenticated given the client once it has authenticated, before the grant runs; never called for a
     *     request that fails before that (no {@code grant_type}, {@code invalid_client})
     */
    public Future<JsonObject> dispatch(String authorization, FormBody form, String ip, Consumer<Client> authenticated) {
        return dispatch(authorization, form, ip, List.of(), authenticated);
    }

    /** As {@link #dispatch(String, FormBody, String, Consumer)}, with the request's {@code DPoP} header values. */
    public Future<JsonObject> dispatch(
            String authorization, FormBody form, String ip, List<String> dpopHeaders, Consumer<Client> authenticated) {
        // A label from the known grants only: a caller must not be able to grow the metric's series.
        String label = form.optional("grant_type").filter(grants::containsKey).orElse("other");
        // compose turns what issue() throws (a missing grant_type, a grant's bad parameter) into a failure.
        return Future.succeededFuture()
                .compose(v -> issue(authorization, form, ip, dpopHeaders, authenticated))
                .onSuccess(response -> metrics.tokenRequest(label, "issued"))
                .onFailure(e ->
                        metrics.tokenRequest(label, e instanceof OAuthError error ? error.code() : "server_error"));
    }

    private Future<JsonObject> issue(
            String authorization, FormBody form, String ip, List<String> dpopHeaders, Consumer<Client> authenticated) {
        String grantType = form.required("grant_type");
        return authenticator.authenticate(authorization, form).compose(client -> {
            authenticated.accept(client);
            Grant grant = grant(grantType, client);
            return screen.screen(client, ip, dpopHeaders)
                    .compose(jkt -> grant.handle(new TokenRequest(client, form, ip, jkt)));
        });
    }

    /** The grant for {@code grantType}, if the client may use it. */
    private Grant grant(String grantType, Client client) {
        Grant grant = grants.get(grantType);
        if (grant == null) {
            throw OAuthError.unsupportedGrantType("The grant type is not supported");
        }
        if (!client.allows(grantType)) {
            throw OAuthError.unauthorizedClient("The client is not allowed to use this grant type");
        }
        return grant;
    }
}
