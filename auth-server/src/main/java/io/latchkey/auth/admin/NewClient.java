package io.latchkey.auth.admin;

import io.latchkey.auth.client.Audiences;
import io.latchkey.auth.client.ClientIds;
import io.latchkey.auth.client.ClientMetadata;
import io.latchkey.auth.client.ClientSecrets;
import io.latchkey.auth.client.CorsOriginRules;
import io.latchkey.auth.client.RedirectUris;
import io.latchkey.auth.network.IpAllowlist;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.token.Scopes;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * A validated client registration from the admin API. {@code client_id} matches {@code [A-Za-z0-9._-]{1,64}} and
 * is not UUID-shaped (so it never collides with a user's {@code sub}); the audience is required, a string or an
 * array of strings that the tokens' {@code aud} carries in the same form (see {@link Audiences}); a supplied
 * secret has at least 32 characters; only confidential clients without the password grant may hold {@code admin}
 * or {@code revocations:read}. {@code token_endpoint_auth_method} {@code none} (RFC 7591 §2) makes a public
 * client.
 *
 * <p>The browser-flow fields are optional and land in {@link ClientMetadata}: {@code redirect_uris} and
 * {@code post_logout_redirect_uris} (at most {@value #MAX_URIS} distinct entries, each passing
 * {@link RedirectUris#problem}), {@code backchannel_logout_uri} (the same rule), {@code allowed_cors_origins} (at
 * most {@value #MAX_URIS} distinct origins passing {@link CorsOriginRules#problem}), {@code first_party} and
 * {@code dpop_bound_access_tokens} (booleans, default false), {@code client_name} (1 to {@value #MAX_NAME}
 * characters without control characters) and {@code access_token_signing_alg} ({@code RS256}, the default, or
 * {@code ES256}), and for a confidential client {@code token_endpoint_ip_allowlist} (at most {@value #MAX_URIS}
 * distinct CIDRs passing {@link IpAllowlist#problem}; empty allows any address). {@code authorization_code} needs at least one redirect URI. Nothing grants {@code password}
 * unless {@code grant_types} lists it: {@code grant_types} is required and taken as given.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7591#section-2">RFC 7591 §2</a>
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html#ClientMetadata">RP-Initiated Logout
 *     1.0 §3.1</a>
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#BCRegistration">Back-Channel Logout
 *     1.0 §2.2</a>
 */
public record NewClient(
        String clientId,
        Optional<String> suppliedSecret,
        boolean isPublic,
        List<String> grantTypes,
        List<String> scopes,
        Object audience,
        ClientMetadata metadata) {
    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final Set<String> GRANTS =
            Set.of("authorization_code", "password", "client_credentials", "refresh_token");
    /** Every token of the client lists its granted scopes; a bound keeps tokens and lookups small. */
    private static final int MAX_SCOPES = 100;
    /** Long enough for any URI-shaped scope; a scope is echoed in every token, so one may not be a payload. */
    static final int MAX_SCOPE_LENGTH = 128;
    /** The most redirect URIs, post-logout redirect URIs or CORS origins a client lists (CHECKs in V9). */
    static final int MAX_URIS = 32;
    /** The longest {@code client_name}, in characters (a CHECK in V9). */
    static final int MAX_NAME = 100;

    private static final Set<String> SIGNING_ALGS = Set.of("RS256", "ES256");

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
            throw OAuthError.invalidRequest(
                    "grant_types must list authorization_code, password, client_credentials or refresh_token");
        }
        if (isPublic && grants.contains("client_credentials")) {
            throw OAuthError.invalidRequest("A public client cannot use client_credentials");
        }
        List<String> scopes = strings(json, "scopes");
        if (scopes.size() > MAX_SCOPES) {
            throw OAuthError.invalidRequest("scopes may list at most " + MAX_SCOPES + " entries");
        }
        for (String scope : scopes) {
            if (scope.length() > MAX_SCOPE_LENGTH) {
                throw OAuthError.invalidRequest("scopes entries may be at most " + MAX_SCOPE_LENGTH + " characters");
            }
            if (!Scopes.TOKEN.matcher(scope).matches()) {
                throw OAuthError.invalidRequest("scopes must be scope tokens (RFC 6749 §3.3)");
            }
        }
        boolean privileged = scopes.stream().anyMatch(PRIVILEGED::contains);
        if (privileged && (isPublic || grants.contains("password"))) {
            throw OAuthError.invalidRequest(
                    "Only confidential clients without the password grant may hold admin or revocations:read");
        }
        Object audience = audience(json);
        ClientMetadata metadata = metadata(json);
        if (isPublic && !metadata.tokenEndpointIpAllowlist().isEmpty()) {
            // A public client's requests come from its users' devices: no address range can describe them.
            throw OAuthError.invalidRequest("token_endpoint_ip_allowlist is for confidential clients only");
        }
        if (grants.contains("authorization_code") && metadata.redirectUris().isEmpty()) {
            throw OAuthError.invalidRequest("grant_types authorization_code needs at least one redirect_uris entry");
        }
        return new NewClient(clientId, secret, isPublic, grants, scopes, audience, metadata);
    }

    private static ClientMetadata metadata(JsonObject json) {
        List<String> redirectUris = optionalStrings(json, "redirect_uris", RedirectUris::problem);
        List<String> postLogoutRedirectUris = optionalStrings(json, "post_logout_redirect_uris", RedirectUris::problem);
        Optional<String> backchannelLogoutUri = Optional.ofNullable(string(json, "backchannel_logout_uri", false));
        backchannelLogoutUri.flatMap(RedirectUris::problem).ifPresent(problem -> {
            throw OAuthError.invalidRequest("backchannel_logout_uri " + problem);
        });
        List<String> corsOrigins = optionalStrings(json, "allowed_cors_origins", CorsOriginRules::problem);
        boolean firstParty = bool(json, "first_party");
        Optional<String> clientName = Optional.ofNullable(string(json, "client_name", false));
        clientName.ifPresent(NewClient::checkName);
        String signingAlg = Optional.ofNullable(string(json, "access_token_signing_alg", false))
                .orElse(ClientMetadata.DEFAULT_SIGNING_ALG);
        if (!SIGNING_ALGS.contains(signingAlg)) {
            throw OAuthError.invalidRequest("access_token_signing_alg must be RS256 or ES256");
        }
        boolean dpopBound = bool(json, "dpop_bound_access_tokens");
        List<String> ipAllowlist = optionalStrings(json, "token_endpoint_ip_allowlist", IpAllowlist::problem);
        return new ClientMetadata(
                redirectUris,
                postLogoutRedirectUris,
                backchannelLogoutUri,
                corsOrigins,
                firstParty,
                clientName,
                signingAlg,
                dpopBound,
                ipAllowlist);
    }

    /** Pages show the name escaped, so only what would garble a page or a log line is refused. */
    private static void checkName(String name) {
        int length = name.codePointCount(0, name.length());
        if (length < 1 || length > MAX_NAME || name.codePoints().anyMatch(Character::isISOControl)) {
            throw OAuthError.invalidRequest(
                    "client_name must have 1 to " + MAX_NAME + " characters and no control characters");
        }
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

    private static boolean bool(JsonObject json, String name) {
        Object value = json.getValue(name);
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean b)) {
            throw OAuthError.invalidRequest(name + " must be true or false");
        }
        return b;
    }

    /**
     * An optional array of at most {@value #MAX_URIS} distinct strings, each without a {@code problem} (a refusal
     * names the field, the entry's index and the problem, never the value); absent or null is empty.
     */
    private static List<String> optionalStrings(
            JsonObject json, String name, Function<String, Optional<String>> problem) {
        if (json.getValue(name) == null) {
            return List.of();
        }
        if (json.getValue(name) instanceof JsonArray array && array.size() > MAX_URIS) {
            throw OAuthError.invalidRequest(name + " may list at most " + MAX_URIS + " entries");
        }
        List<String> entries = strings(json, name);
        for (int i = 0; i < entries.size(); i++) {
            int index = i;
            problem.apply(entries.get(i)).ifPresent(why -> {
                throw OAuthError.invalidRequest(name + "[" + index + "] " + why);
            });
        }
        return entries;
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
