package io.latchkey.demo.web;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.User;
import io.vertx.ext.auth.oauth2.OAuth2Auth;
import io.vertx.ext.auth.oauth2.OAuth2AuthorizationURL;
import io.vertx.ext.auth.oauth2.OAuth2FlowType;
import io.vertx.ext.auth.oauth2.OAuth2Options;
import io.vertx.ext.auth.oauth2.Oauth2Credentials;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link AuthServer} on Vert.x's own OAuth 2.0 client ({@code vertx-auth-oauth2}): one {@link OAuth2Auth} per
 * back-channel URL for the token requests (HTTP Basic as the confidential client), while the authorization URL that
 * browsers follow is on the issuer. Every call is bounded in time; failures become {@link AuthServer.Refused} or
 * {@link AuthServer.Unavailable}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636">RFC 7636 (PKCE)</a>
 */
public final class VertxOAuth2AuthServer implements AuthServer {
    public static final String AUTHORIZE_PATH = "/oauth2/authorize";
    public static final String TOKEN_PATH = "/oauth2/token";
    static final long TIMEOUT_SECONDS = 10;
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    /** How the library words an RFC 6749 §5.2 answer: {@code error} or {@code error: error_description}. */
    private static final Pattern OAUTH_ERROR = Pattern.compile("([a-z_]+)(?:: (.*))?", Pattern.DOTALL);

    private final WebAppSettings settings;
    private final List<OAuth2Auth> backChannel;

    VertxOAuth2AuthServer(WebAppSettings settings, List<OAuth2Auth> backChannel) {
        this.settings = settings;
        this.backChannel = List.copyOf(backChannel);
    }

    public static VertxOAuth2AuthServer create(Vertx vertx, WebAppSettings settings) {
        return new VertxOAuth2AuthServer(
                settings,
                BackChannel.bases(settings.authServerUrls()).stream()
                        .map(base -> OAuth2Auth.create(vertx, options(settings, base)))
                        .toList());
    }

    /** The library's settings for one back-channel base URL. */
    static OAuth2Options options(WebAppSettings settings, String backChannelBase) {
        return new OAuth2Options()
                .setSite(backChannelBase)
                .setClientId(settings.clientId())
                // RFC 6749 §2.3.1: the Basic user and password are form-url-encoded before base64, which the
                // library leaves to us; a client_id is always [A-Za-z0-9._-], so only the secret needs it.
                .setClientSecret(URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8))
                .setUseBasicAuthorization(true)
                // Absolute: browsers reach the issuer, which need not be the back-channel address.
                .setAuthorizationPath(settings.issuer() + AUTHORIZE_PATH)
                .setTokenPath(TOKEN_PATH)
                .addSupportedGrantType(OAuth2FlowType.AUTH_CODE.getGrantType())
                .setHttpClientOptions(
                        settings.tls().applyTo(new HttpClientOptions().setConnectTimeout(CONNECT_TIMEOUT_MS)));
    }

    @Override
    public String authorizationUrl(PendingLogin login) {
        String url = backChannel
                .get(0)
                .authorizeURL(new OAuth2AuthorizationURL()
                        .setRedirectUri(settings.redirectUri())
                        .setScopes(Arrays.asList(WebAppSettings.SCOPE.split(" ")))
                        .setState(login.state())
                        .setCodeChallenge(login.pkce().challenge())
                        .setCodeChallengeMethod(Pkce.METHOD)
                        .putAdditionalParameter("nonce", login.nonce()));
        // The library form-encodes the query (a space is '+'; a literal '+' would be %2B), so every '+' is a space:
        // spell it %20 as RFC 3986 does, which every query parser reads the same.
        return url.replace("+", "%20");
    }

    @Override
    public Future<Tokens> redeem(String code, PendingLogin login, Instant now) {
        Oauth2Credentials credentials = new Oauth2Credentials()
                .setFlow(OAuth2FlowType.AUTH_CODE)
                .setCode(code)
                .setRedirectUri(settings.redirectUri())
                .setCodeVerifier(login.pkce().verifier());
        return call(provider -> provider.authenticate(credentials))
                .map(user -> Tokens.fromResponse(user.principal(), now, Optional.empty()));
    }

    @Override
    public Future<Tokens> refresh(Tokens current, Instant now) {
        if (current.refreshToken().isEmpty()) {
            return Future.failedFuture(new Refused("invalid_grant", "no refresh token"));
        }
        User holder = User.create(
                new JsonObject().put("refresh_token", current.refreshToken().get()));
        return call(provider -> provider.refresh(holder))
                .map(user -> Tokens.fromResponse(user.principal(), now, current.refreshToken())
                        .withIdToken(current.idToken()));
    }

    private Future<User> call(Function<OAuth2Auth, Future<User>> request) {
        return BackChannel.firstConnecting(
                        backChannel, provider -> request.apply(provider).timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS))
                .recover(e -> Future.failedFuture(classify(e)));
    }

    /** An RFC 6749 §5.2 error answer is {@link Refused}; anything else is {@link Unavailable}. */
    static RuntimeException classify(Throwable e) {
        String message = e.getMessage();
        if (message != null && !BackChannel.couldNotConnect(e) && !message.equals("null")) {
            Matcher m = OAUTH_ERROR.matcher(message);
            if (m.matches()) {
                return new Refused(m.group(1), m.group(2));
            }
        }
        return new Unavailable("token endpoint: " + message, e);
    }
}
