package io.latchkey.auth.http;

import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.oidc.UserInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET}/{@code POST /oauth2/userinfo} with {@code Authorization: Bearer}: the claims {@link UserInfo} answers,
 * readable from the origins the token's client lists ({@link ClientCors}). Errors are RFC 6750's, with {@code
 * WWW-Authenticate}, rendered by {@link OAuthErrors}.
 *
 * @see <a href="https://openid.net/specs/openid-connect-core-1_0.html#UserInfo">OpenID Connect Core §5.3</a>
 */
public final class UserInfoRoutes {
    public static final String PATH = "/oauth2/userinfo";

    private final UserInfo userInfo;
    private final ClientRepository clients;
    private final ClientCors cors;

    public UserInfoRoutes(UserInfo userInfo, ClientRepository clients, ClientCors cors) {
        this.userInfo = userInfo;
        this.clients = clients;
        this.cors = cors;
    }

    public void mount(Router router) {
        cors.mountPreflight(router, PATH, "GET, POST");
        router.get(PATH).handler(NoStore::apply).handler(Reply.json(200, this::answer));
        router.post(PATH).handler(NoStore::apply).handler(Reply.json(200, this::answer));
    }

    private Future<JsonObject> answer(RoutingContext ctx) {
        String token = LogoutRoutes.bearer(ctx.request().getHeader("Authorization"));
        return userInfo.answer(token)
                .compose(answer -> clients.find(answer.clientId()).map(client -> {
                    client.ifPresent(c -> ClientCors.allowIfListed(ctx, c));
                    return answer.claims();
                }));
    }
}
