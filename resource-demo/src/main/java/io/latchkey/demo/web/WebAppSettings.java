package io.latchkey.demo.web;

import io.latchkey.common.config.Env;
import io.latchkey.common.config.Secrets;
import io.latchkey.common.tls.ClientTls;
import io.latchkey.verifier.VerifierSettings;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * The notes web app's settings: the confidential client it signs in as ({@code LATCHKEY_WEB_CLIENT_ID}, default
 * {@code demo-web}, and {@code LATCHKEY_WEB_CLIENT_SECRET}; without a secret the web app is off and only the API is
 * served), the origin browsers reach it at ({@code LATCHKEY_WEB_BASE_URL}, default {@code http://localhost:8082}),
 * and, shared with the verifier, the issuer (where browsers are sent to sign in) and the back-channel auth-server
 * URLs ({@code LATCHKEY_AUTH_SERVER_URLS}, tried in turn, for the token and logout calls).
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1">RFC 6749 §4.1</a>
 */
public record WebAppSettings(
        String clientId, String clientSecret, String baseUrl, String issuer, List<URI> authServerUrls, ClientTls tls) {
    public static final String CLIENT_ID = "LATCHKEY_WEB_CLIENT_ID";
    public static final String CLIENT_SECRET = "LATCHKEY_WEB_CLIENT_SECRET";
    public static final String BASE_URL = "LATCHKEY_WEB_BASE_URL";

    /** What the app asks for: an OpenID sign-in with profile and email, and the notes API. */
    public static final String SCOPE = "openid profile email notes:read notes:write";

    public WebAppSettings {
        authServerUrls = List.copyOf(authServerUrls);
        if (authServerUrls.isEmpty()) {
            throw new IllegalArgumentException("at least one auth-server URL");
        }
    }

    /** The web app's settings, or empty when no client secret is set (the web app is then off). */
    public static Optional<WebAppSettings> from(Env env, VerifierSettings verifier) {
        Optional<String> secret = env.optional(CLIENT_SECRET);
        if (secret.isEmpty()) {
            return Optional.empty();
        }
        Secrets.check(env, CLIENT_SECRET, secret.get());
        return Optional.of(new WebAppSettings(
                env.string(CLIENT_ID, "demo-web"),
                secret.get(),
                env.origin(BASE_URL, "http://localhost:8082"),
                verifier.issuer(),
                verifier.authServerUrls(),
                verifier.tls()));
    }

    /** The registered redirect URI: {@code <base URL>/callback}. */
    public String redirectUri() {
        return baseUrl + "/callback";
    }

    /** The registered post-logout redirect URI, where RP-initiated logouts return: {@code <base URL>/}. */
    public String postLogoutRedirectUri() {
        return baseUrl + "/";
    }

    /** Cookies carry {@code Secure} when browsers reach the app over https. */
    public boolean secureCookies() {
        return baseUrl.startsWith("https:");
    }

    @Override
    public String toString() {
        // The client secret stays out of logs.
        return "WebAppSettings[clientId=" + clientId + ", baseUrl=" + baseUrl + ", issuer=" + issuer
                + ", authServerUrls=" + authServerUrls + "]";
    }
}
