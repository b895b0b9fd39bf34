package io.latchkey.auth.authorize;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.client.RedirectUris;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.token.Scopes;
import io.vertx.core.Future;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks an authorization request in the order the RFCs make safe: first the client and its redirect URI, whose
 * failures are shown on a page and never redirected (an unchecked redirect URI is an open redirect); then every
 * other parameter, whose failures go back to the client with {@code error}, {@code state} and {@code iss}. PKCE
 * with S256 is required of every client. All of it happens before any page is shown.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-4.1.2.1">RFC 6749 §4.1.2.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7636#section-4.4.1">RFC 7636 §4.4.1</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9700#section-2.1.1">RFC 9700 §2.1.1</a>
 */
public final class AuthorizeRequestParser {
    /** BASE64URL(SHA-256(verifier)) without padding is always 43 characters. */
    private static final Pattern S256_CHALLENGE = Pattern.compile("[A-Za-z0-9_-]{43}");
    /** An RFC 7638 thumbprint under SHA-256, base64url without padding. */
    private static final Pattern JKT = Pattern.compile("[A-Za-z0-9_-]{43}");

    private static final Pattern MAX_AGE = Pattern.compile("[0-9]{1,9}");
    private static final Set<String> PROMPTS = Set.of("none", "login", "consent");
    private static final int MAX_NONCE = 512;
    private static final int MAX_LOGIN_HINT = 255;
    private static final int MAX_STATE = 2048;

    private final ClientRepository clients;

    public AuthorizeRequestParser(ClientRepository clients) {
        this.clients = clients;
    }

    /** The checked request, or a failed future with an {@link AuthorizeError}. */
    public Future<AuthorizeRequest> parse(FormBody params) {
        Optional<String> clientId = params.optional("client_id");
        if (clientId.isEmpty()) {
            return Future.failedFuture(AuthorizeError.page(400, "The sign-in request does not name an application."));
        }
        return clients.find(clientId.get()).map(found -> {
            Client client = found.filter(c -> !c.disabled())
                    .orElseThrow(() -> AuthorizeError.page(400, "The application asking you to sign in is unknown."));
            return checked(client, params);
        });
    }

    private static AuthorizeRequest checked(Client client, FormBody params) {
        Optional<String> requestedUri = params.optional("redirect_uri");
        String redirectUri = redirectUri(client, requestedUri);
        Optional<String> state = params.optional("state");
        Redirect redirect = new Redirect(redirectUri, state);
        if (state.isPresent() && state.get().length() > MAX_STATE) {
            // Too long to echo safely: answered on a page rather than in a URL that may be cut.
            throw AuthorizeError.page(400, "The sign-in request is malformed.");
        }
        if (params.optional("request").isPresent()) {
            throw AuthorizeError.redirect(redirect, "request_not_supported", "Request objects are not supported");
        }
        if (params.optional("request_uri").isPresent()) {
            throw AuthorizeError.redirect(redirect, "request_uri_not_supported", "request_uri is not supported");
        }
        String responseType =
                params.optional("response_type").orElseThrow(() -> invalid(redirect, "response_type is required"));
        if (!responseType.equals("code")) {
            throw AuthorizeError.redirect(
                    redirect, "unsupported_response_type", "Only response_type=code is supported");
        }
        if (params.optional("response_mode")
                .filter(mode -> !mode.equals("query"))
                .isPresent()) {
            throw invalid(redirect, "Only response_mode=query is supported");
        }
        if (!client.allows("authorization_code")) {
            throw AuthorizeError.redirect(
                    redirect, "unauthorized_client", "The client may not use the authorization code flow");
        }
        String challenge = params.optional("code_challenge")
                .orElseThrow(() -> invalid(redirect, "code_challenge is required (PKCE with S256)"));
        if (!params.optional("code_challenge_method").equals(Optional.of("S256"))) {
            throw invalid(redirect, "code_challenge_method must be S256");
        }
        if (!S256_CHALLENGE.matcher(challenge).matches()) {
            throw invalid(redirect, "code_challenge must be 43 base64url characters (S256)");
        }
        String scope;
        try {
            scope = Scopes.grant(params.optional("scope"), client.scopes());
        } catch (OAuthError e) {
            throw AuthorizeError.redirect(redirect, "invalid_scope", e.description());
        }
        if (scope.isEmpty()) {
            throw AuthorizeError.redirect(redirect, "invalid_scope", "The client has no scope to grant");
        }
        Set<String> prompt = prompt(redirect, params.optional("prompt"));
        OptionalLong maxAge = maxAge(redirect, params.optional("max_age"));
        Optional<String> nonce = params.optional("nonce");
        if (nonce.isPresent() && nonce.get().length() > MAX_NONCE) {
            throw invalid(redirect, "nonce is too long");
        }
        Optional<String> loginHint = params.optional("login_hint");
        if (loginHint.isPresent() && loginHint.get().length() > MAX_LOGIN_HINT) {
            throw invalid(redirect, "login_hint is too long");
        }
        Optional<String> dpopJkt = params.optional("dpop_jkt");
        if (dpopJkt.isPresent() && !JKT.matcher(dpopJkt.get()).matches()) {
            throw invalid(redirect, "dpop_jkt must be a base64url SHA-256 JWK thumbprint (RFC 9449 §10)");
        }
        return new AuthorizeRequest(
                client,
                redirectUri,
                requestedUri.isPresent(),
                scope,
                state,
                challenge,
                nonce,
                prompt,
                maxAge,
                loginHint,
                dpopJkt);
    }

    /** The redirect URI the response goes to; a page error when it cannot be trusted. */
    private static String redirectUri(Client client, Optional<String> requested) {
        List<String> registered = client.metadata().redirectUris();
        if (registered.isEmpty()) {
            throw AuthorizeError.page(400, "This application is not set up to sign in here.");
        }
        if (requested.isEmpty()) {
            if (registered.size() == 1) {
                return registered.get(0);
            }
            throw AuthorizeError.page(400, "The application did not say where to return after sign-in.");
        }
        if (RedirectUris.match(registered, requested.get()).isEmpty()) {
            throw AuthorizeError.page(400, "The address the application asked to return to is not registered.");
        }
        // The requested URI itself: for a loopback redirect it carries the port the app listens on.
        return requested.get();
    }

    private static Set<String> prompt(Redirect redirect, Optional<String> value) {
        Set<String> prompt = new LinkedHashSet<>();
        if (value.isEmpty()) {
            return prompt;
        }
        for (String item : value.get().split(" ", -1)) {
            if (!PROMPTS.contains(item)) {
                throw invalid(redirect, "prompt may hold none, login or consent");
            }
            prompt.add(item);
        }
        if (prompt.contains("none") && prompt.size() > 1) {
            throw invalid(redirect, "prompt=none cannot be combined with other values");
        }
        return Set.copyOf(prompt);
    }

    private static OptionalLong maxAge(Redirect redirect, Optional<String> value) {
        if (value.isEmpty()) {
            return OptionalLong.empty();
        }
        if (!MAX_AGE.matcher(value.get()).matches()) {
            throw invalid(redirect, "max_age must be a number of seconds");
        }
        return OptionalLong.of(Long.parseLong(value.get()));
    }

    private static AuthorizeError invalid(Redirect redirect, String description) {
        return AuthorizeError.redirect(redirect, "invalid_request", description);
    }
}
