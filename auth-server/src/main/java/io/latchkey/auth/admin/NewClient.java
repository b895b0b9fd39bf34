package io.latchkey.auth.admin;

import io.latchkey.auth.client.Audiences;
import io.latchkey.auth.client.ClientIds;
import io.latchkey.auth.client.ClientSecrets;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.token.Scopes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A validated client registration from the admin API. {@code client_id} matches {@code [A-Za-z0-9._-]{1,64}} and
 * is not UUID-shaped (so it never collides with a user's {@code sub}); the audience is required, a string or an
 * array of strings that the tokens' {@code aud} carries in the same form (see {@link Audiences}); a supplied
 * secret has at least 32 characters; only confidential clients without the password grant may hold {@code admin}
 * or {@code revocations:read}. {@code token_endpoint_auth_method} {@code none} (RFC 7591 §2) makes a public
 * client.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7591#section-2">RFC 7591 §2</a>
 */
public record NewClient(
        String clientId,
        Optional<String> suppliedSecret,
        boolean isPublic,
        List<String> grantTypes,
        List<String> scopes,
        Object audience) {
    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final Set<String> GRANTS = Set.of("password", "client_credentials", "refresh_token");
    /** Every token of the client lists its granted scopes; a bound keeps tokens and lookups small. */
    private static final int MAX_SCOPES = 100;

    private static final Set<String> PRIVILEGED = Set.of("admin", "revocations:read");
    private static final String AUDIENCE_SHAPE = "audience must be a string or a non-empty array of distinct strings";

    public static NewClient from(JsonObject json) {
        String clientId = string(json, "client_id", true);
        if (!ClientIds.wellFormed(clientId) || UUID_SHAPE.matcher(clientId).matches()) {
            throw OAuthError.invalidRequest("client_id must match [A-Za-z0-9._-]{1,64} and not look like a UUID");
        }
        String method = Optional.ofNullable(string(json, "token_endpoint_auth_method", false))
                .orElse("client_secret_basic");
        if (!Set.of("client_secret_basic", "client_secret_post", "none").contains(method)) {
            throw OAuthError.invalidRequest(
                    "token_endpoint_auth_method must be client_secret_basic, client_secret_post or none");
        }
        boolean isPublic = method.equals("none");
        Optional<String> secret = Optional.ofNullable(string(json, "client_secret", false));
        if (isPublic && secret.isPresent()) {
            throw OAuthError.invalidRequest("A public client has no client_secret");
        }
        if (secret.isPresent() && secret.get().length() < ClientSecrets.MIN_SUPPLIED_LENGTH) {
            throw OAuthError.invalidRequest("client_secret must have at least 32 characters");
        }
        List<String> grants = strings(json, "grant_types");
        if (grants.isEmpty() || !GRANTS.containsAll(grants)) {
            throw OAuthError.invalidRequest("grant_types must list password, client_credentials or refresh_token");
        }
        if (isPublic && grants.contains("client_credentials")) {
            throw OAuthError.invalidRequest("A public client cannot use client_credentials");
        }
        List<String> scopes = strings(json, "scopes");
        if (scopes.size() > MAX_SCOPES) {
            throw OAuthError.invalidRequest("scopes may list at most " + MAX_SCOPES + " entries");
        }
        for (String scope : scopes) {
            if (!Scopes.TOKEN.matcher(scope).matches()) {
                throw OAuthError.invalidRequest("scopes must be scope tokens (RFC 6749 §3.3)");
            }
        }
        boolean privileged = scopes.stream().anyMatch(PRIVILEGED::contains);
        if (privileged && (isPublic || grants.contains("password"))) {
            throw OAuthError.invalidRequest(
                    "Only confidential clients without the password grant may hold admin or revocations:read");
        }
        return new NewClient(clientId, secret, isPublic, grants, scopes, audience(json));
    }

    private static Object audience(JsonObject json) {
        Object value = json.getValue("audience");
        if (value == null) {
            throw OAuthError.invalidRequest("audience is required");
        }
        if (value instanceof String single) {
            return checkedAudience(single);
        }
        if (!(value instanceof JsonArray array) || array.isEmpty()) {
            throw OAuthError.invalidRequest(AUDIENCE_SHAPE);
        }
        Set<String> entries = new LinkedHashSet<>();
        for (Object item : array) {
            if (!(item instanceof String entry) || !entries.add(checkedAudience(entry))) {
                throw OAuthError.invalidRequest(AUDIENCE_SHAPE);
            }
        }
        if (entries.size() > Audiences.MAX_ENTRIES) {
            throw OAuthError.invalidRequest("audience may list at most " + Audiences.MAX_ENTRIES + " entries");
        }
        return new JsonArray(new ArrayList<Object>(entries));
    }

    private static String checkedAudience(String audience) {
        if (audience.isBlank()
                || audience.length() > Audiences.MAX_LENGTH
                || audience.chars().anyMatch(Character::isISOControl)) {
            throw OAuthError.invalidRequest("audience must have 1 to 255 printable characters");
        }
        return audience;
    }

    private static String string(JsonObject json, String name, boolean required) {
        Object value = json.getValue(name);
        if (value == null) {
            if (required) {
                throw OAuthError.invalidRequest(name + " is required");
            }
            return null;
        }
        if (!(value instanceof String s)) {
            throw OAuthError.invalidRequest(name + " must be a string");
        }
        return s;
    }

    private static List<String> strings(JsonObject json, String name) {
        Object value = json.getValue(name);
        if (!(value instanceof JsonArray array)) {
            throw OAuthError.invalidRequest(name + " must be an array of strings");
        }
        Set<String> out = new LinkedHashSet<>();
        for (Object item : array) {
            if (!(item instanceof String s) || !out.add(s)) {
                throw OAuthError.invalidRequest(name + " must be an array of distinct strings");
            }
        }
        return new ArrayList<>(out);
    }
}
