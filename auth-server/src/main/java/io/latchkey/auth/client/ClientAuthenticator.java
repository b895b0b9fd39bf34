package io.latchkey.auth.client;

import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authenticates the client of a token-endpoint request with {@code client_secret_basic}, {@code
 * client_secret_post} or {@code none}. Basic credentials are form-url-decoded after base64; Basic plus an equal
 * {@code client_id} field is accepted; Basic with an empty password is {@code none}; two methods at once
 * otherwise is {@code invalid_request}. Every failure is the same {@code invalid_client}; the reason goes to the
 * log only.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
public final class ClientAuthenticator {
    private static final Logger LOG = LoggerFactory.getLogger(ClientAuthenticator.class);

    private final ClientRepository clients;

    public ClientAuthenticator(ClientRepository clients) {
        this.clients = clients;
    }

    /** The authenticated client, of any kind (public clients included). */
    public Future<Client> authenticate(String authorization, FormBody form) {
        Credentials credentials;
        try {
            credentials = Credentials.from(authorization, form);
        } catch (OAuthError e) {
            return Future.failedFuture(e);
        }
        return clients.find(credentials.clientId()).compose(found -> check(credentials, found));
    }

    /** Like {@link #authenticate} but only for confidential clients (introspection, the revocation feed). */
    public Future<Client> authenticateConfidential(String authorization, FormBody form) {
        return authenticate(authorization, form).compose(client -> {
            if (client.isPublic()) {
                LOG.info(
                        "client authentication refused: public client {} on a confidential-only endpoint",
                        client.clientId());
                return Future.failedFuture(OAuthError.invalidClient());
            }
            return Future.succeededFuture(client);
        });
    }

    private static Future<Client> check(Credentials credentials, Optional<Client> found) {
        if (credentials.secret() == null) {
            if (found.isEmpty() || !found.get().isPublic()) {
                LOG.info("client authentication failed: no secret for {}", credentials.logId());
                return Future.failedFuture(OAuthError.invalidClient());
            }
        } else {
            byte[] stored = found.map(Client::secretHash).orElse(null);
            if (!ClientSecrets.matches(stored, credentials.secret())) {
                LOG.info("client authentication failed: bad or unknown credentials for {}", credentials.logId());
                return Future.failedFuture(OAuthError.invalidClient());
            }
        }
        Client client = found.get();
        if (client.disabled()) {
            LOG.info("client authentication failed: {} is disabled", client.clientId());
            return Future.failedFuture(OAuthError.invalidClient());
        }
        return Future.succeededFuture(client);
    }

    /** The client's claimed identity and secret (null for method none). */
    record Credentials(String clientId, String secret) {
        static Credentials from(String authorization, FormBody form) {
            Optional<String> postedId = form.optional("client_id");
            Optional<String> postedSecret = form.optional("client_secret");
            if (authorization != null && !authorization.isBlank()) {
                if (!authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
                    throw OAuthError.invalidClient();
                }
                Credentials basic = parseBasic(authorization.substring(6).trim());
                if (postedSecret.isPresent()) {
                    throw OAuthError.invalidRequest("Use one client authentication method, not several");
                }
                if (postedId.isPresent() && !postedId.get().equals(basic.clientId())) {
                    throw OAuthError.invalidRequest("client_id does not match the Basic credentials");
                }
                return basic;
            }
            if (postedId.isEmpty()) {
                throw OAuthError.invalidClient();
            }
            return new Credentials(postedId.get(), postedSecret.orElse(null));
        }

        private static Credentials parseBasic(String encoded) {
            byte[] decoded;
            try {
                decoded = Base64.getDecoder().decode(encoded);
            } catch (IllegalArgumentException e) {
                throw OAuthError.invalidClient();
            }
            String text = new String(decoded, StandardCharsets.ISO_8859_1);
            int colon = text.indexOf(':');
            if (colon < 0) {
                throw OAuthError.invalidClient();
            }
            String id;
            String secret;
            try {
                id = FormBody.decode(text.substring(0, colon));
                secret = FormBody.decode(text.substring(colon + 1));
            } catch (OAuthError e) {
                throw OAuthError.invalidClient();
            }
            if (id.isEmpty()) {
                throw OAuthError.invalidClient();
            }
            // An empty password is no secret: libraries that always send Basic name a public client this way, and
            // it then counts as method none, so a confidential client still fails without its secret.
            return new Credentials(id, secret.isEmpty() ? null : secret);
        }

        /** Never prints the secret, so a stray log line cannot leak it. */
        @Override
        public String toString() {
            return "Credentials[clientId=" + logId() + ", secret=" + (secret == null ? "none" : "***") + "]";
        }

        String logId() {
            return ClientIds.wellFormed(clientId) ? clientId : "(malformed client_id)";
        }
    }
}
