package io.latchkey.auth.http;

import io.latchkey.auth.dpop.AccessTokenProofs;
import io.latchkey.auth.dpop.TokenEndpointProofs;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.revocation.Logout;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /logout} with {@code Authorization: Bearer <access token>} (or {@code DPoP <token>} and a proof for a
 * DPoP-bound token, {@link AccessTokenProofs}): 204 once the session (or, with {@code
 * ?everywhere=true}, every session of the user) has ended and its revocation entries are committed. A missing or
 * bad token is 401 with an RFC 6750 challenge; a token without {@code sid} is 400 {@code invalid_request}. The
 * work is in {@link Logout}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class LogoutRoutes {
    private final Logout logout;
    private final ClientIp clientIp;
    private final AccessTokenProofs proofs;
    private final String htu;

    public LogoutRoutes(Logout logout, ClientIp clientIp, AccessTokenProofs proofs, String issuer) {
        this.logout = logout;
        this.clientIp = clientIp;
        this.proofs = proofs;
        this.htu = issuer + "/logout";
    }

    public void mount(Router router) {
        router.post("/logout").handler(NoStore::apply).handler(Reply.empty(204, this::logout));
    }

    private Future<Void> logout(RoutingContext ctx) {
        AccessTokenProofs.Presented presented =
                AccessTokenProofs.read(ctx.request().getHeader("Authorization"));
        boolean everywhere = everywhere(ctx.queryParam("everywhere"));
        List<String> dpop = ctx.request().headers().getAll(TokenEndpointProofs.HEADER);
        return logout.logout(
                presented.token(),
                everywhere,
                clientIp.of(ctx.request()),
                claims -> proofs.confirm(presented, claims, dpop, "POST", htu));
    }

    private static boolean everywhere(List<String> values) {
        if (values.isEmpty()) {
            return false;
        }
        if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
            return values.get(0).equals("true");
        }
        throw OAuthError.invalidRequest("everywhere must appear at most once, as true or false");
    }
}
