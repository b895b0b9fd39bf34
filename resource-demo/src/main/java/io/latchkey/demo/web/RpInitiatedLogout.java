package io.latchkey.demo.web;

import io.vertx.core.Future;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Supplier;

/**
 * Signs out with RP-Initiated Logout 1.0: the browser goes to the issuer's end-session endpoint with the sign-in's ID
 * token as {@code id_token_hint} (so auth-server ends that browser session without asking), this client's id, the
 * registered {@code post_logout_redirect_uri} ({@code <base URL>/}) and a one-time {@code state} that the return is
 * checked against ({@link SignOutStates}). Nothing is called on the back channel, so a sign-out never waits on, or
 * fails with, an unreachable auth server: the browser carries the request, and auth-server then revokes every token of
 * the session and tells this app through the back-channel logout.
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#RPLogout">RP-Initiated Logout 1.0 §2</a>
 */
public final class RpInitiatedLogout implements SignOut {
    private final WebAppSettings settings;
    private final Supplier<String> endSessionEndpoint;
    private final SignOutStates states;

    /** {@code endSessionEndpoint} is asked at each sign-out: the discovered endpoint, once discovery has answered. */
    public RpInitiatedLogout(WebAppSettings settings, Supplier<String> endSessionEndpoint, SignOutStates states) {
        this.settings = settings;
        this.endSessionEndpoint = endSessionEndpoint;
        this.states = states;
    }

    @Override
    public Future<String> signOut(Tokens tokens) {
        Map<String, String> params = new LinkedHashMap<>();
        tokens.idToken().ifPresent(idToken -> params.put("id_token_hint", idToken));
        // Also when the hint is there: auth-server can then still check the return URI if the hint does not verify.
        params.put("client_id", settings.clientId());
        params.put("post_logout_redirect_uri", settings.postLogoutRedirectUri());
        states.issue().ifPresent(state -> params.put("state", state));
        String endpoint = endSessionEndpoint.get();
        StringJoiner query = new StringJoiner("&", endpoint + (endpoint.indexOf('?') < 0 ? "?" : "&"), "");
        params.forEach((name, value) -> query.add(name + "=" + encode(value)));
        return Future.succeededFuture(query.toString());
    }

    private static String encode(String value) {
        // Form encoding writes a space as '+'; RFC 3986 spells it %20, which every query parser reads the same.
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
