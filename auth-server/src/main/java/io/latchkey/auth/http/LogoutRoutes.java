package io.latchkey.auth.http;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.revocation.Logout;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/**
 * {@code POST /logout} with {@code Authorization: Bearer <access token>}: 204 once the session (or, with {@code
 * ?everywhere=true}, every session of the user) has ended and its revocation entries are committed. A missing or
 * bad token is 401 with an RFC 6750 challenge; a token without {@code sid} is 400 {@code invalid_request}. The
 * work is in {@link Logout}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class LogoutRoutes {
    private final Logout logout;
    private final ClientIp clientIp;

    public LogoutRoutes(Logout logout, ClientIp clientIp) {
        this.logout = logout;
        this.clientIp = clientIp;
    }

    public void mount(Router router) {
        router.post("/logout").handler(NoStore::apply).handler(Reply.empty(204, this::logout));
    }

    private Future<Void> logout(RoutingContext ctx) {
        String token = bearer(ctx.request().getHeader("Authorization"));
        boolean everywhere = everywhere(ctx.queryParam("everywhere"));
        return logout.logout(token, everywhere, clientIp.of(ctx.request()));
    }

    /** The token of an {@code Authorization: Bearer} header (RFC 6750 §2.1); the scheme is case-insensitive. */
    static String bearer(String header) {
        if (header == null || header.isBlank()) {
            throw OAuthError.missingToken();
        }
        if (!header.regionMatches(true, 0, "Bearer ", 0, 7)
                || header.substring(7).isBlank()) {
            throw OAuthError.invalidToken("The access token is malformed");
        }
        return header.substring(7).trim();
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
