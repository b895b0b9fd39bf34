package io.latchkey.demo.web;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.util.List;

/**
 * Signs out with auth-server's {@code POST /logout} and the session's access token, which ends the whole browser
 * session at the auth server (every token issued in it is revoked); then the browser goes to the app's home page. A
 * 401 means the token was already revoked, so the session is over there too.
 */
public final class BearerLogout implements SignOut {
    public static final String PATH = "/logout";
    private static final long TIMEOUT_MS = 10_000;

    private final WebClient client;
    private final List<String> backChannel;

    public BearerLogout(WebClient client, List<URI> authServerUrls) {
        this.client = client;
        this.backChannel = BackChannel.bases(authServerUrls);
    }

    @Override
    public Future<String> signOut(Tokens tokens) {
        return BackChannel.firstConnecting(backChannel, base -> client.postAbs(base + PATH)
                        .bearerTokenAuthentication(tokens.accessToken())
                        .timeout(TIMEOUT_MS)
                        .send())
                .recover(e -> Future.failedFuture(new AuthServer.Unavailable("logout: " + e.getMessage(), e)))
                .compose(BearerLogout::outcome);
    }

    private static Future<String> outcome(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if ((status >= 200 && status < 300) || status == 401) {
            return Future.succeededFuture("/");
        }
        return Future.failedFuture(new AuthServer.Unavailable("logout answered " + status, null));
    }
}
