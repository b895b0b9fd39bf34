package io.latchkey.auth.http;

import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.dpop.AccessTokenProofs;
import io.latchkey.auth.dpop.TokenEndpointProofs;
import io.latchkey.auth.oidc.UserInfo;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code GET}/{@code POST /oauth2/userinfo} with {@code Authorization: Bearer}, or {@code Authorization: DPoP} and a
 * proof for a DPoP-bound token ({@link AccessTokenProofs}): the claims {@link UserInfo} answers,
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
    private final AccessTokenProofs proofs;
    private final String htu;

    public UserInfoRoutes(
            UserInfo userInfo, ClientRepository clients, ClientCors cors, AccessTokenProofs proofs, String issuer) {
        this.userInfo = userInfo;
        this.clients = clients;
        this.cors = cors;
        this.proofs = proofs;
        this.htu = issuer + PATH;
    }

    public void mount(Router router) {
        cors.mountPreflight(router, PATH, "GET, POST");
        router.get(PATH).handler(NoStore::apply).handler(Reply.json(200, this::answer));
        router.post(PATH).handler(NoStore::apply).handler(Reply.json(200, this::answer));
    }

    private Future<JsonObject> answer(RoutingContext ctx) {
        AccessTokenProofs.Presented presented =
                AccessTokenProofs.read(ctx.request().getHeader("Authorization"));
        List<String> dpop = ctx.request().headers().getAll(TokenEndpointProofs.HEADER);
        String htm = ctx.request().method().name();
        return userInfo.answer(presented.token(), claims -> proofs.confirm(presented, claims, dpop, htm, htu))
                .compose(answer -> clients.find(answer.clientId()).map(client -> {
                    client.ifPresent(c -> ClientCors.allowIfListed(ctx, c));
                    return answer.claims();
                }));
    }
}
