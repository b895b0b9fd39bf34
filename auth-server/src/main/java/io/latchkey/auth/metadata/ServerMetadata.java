package io.latchkey.auth.metadata;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * The authorization server metadata document, built once at start.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8414#section-2">RFC 8414 §2</a>
 */
public final class ServerMetadata {
    private ServerMetadata() {}

    public static JsonObject of(String issuer, URI jwksUri) {
        JsonArray authMethods = new JsonArray()
                .add("client_secret_basic")
                .add("client_secret_post")
                .add("none");
        return new JsonObject()
                .put("issuer", issuer)
                .put("authorization_endpoint", issuer + "/oauth2/authorize")
                .put("token_endpoint", issuer + "/oauth2/token")
                .put("jwks_uri", jwksUri.toString())
                .put("revocation_endpoint", issuer + "/oauth2/revoke")
                .put("introspection_endpoint", issuer + "/oauth2/introspect")
                .put(
                        "grant_types_supported",
                        new JsonArray()
                                .add("authorization_code")
                                .add("password")
                                .add("client_credentials")
                                .add("refresh_token"))
                .put("response_types_supported", new JsonArray().add("code"))
                .put("response_modes_supported", new JsonArray().add("query"))
                .put("code_challenge_methods_supported", new JsonArray().add("S256"))
                .put("authorization_response_iss_parameter_supported", true)
                .put("token_endpoint_auth_methods_supported", authMethods)
                .put("revocation_endpoint_auth_methods_supported", authMethods.copy())
                .put(
                        "introspection_endpoint_auth_methods_supported",
                        new JsonArray().add("client_secret_basic").add("client_secret_post"))
                .put(
                        "scopes_supported",
                        new JsonArray()
                                .add("openid")
                                .add("profile")
                                .add("email")
                                .add("admin")
                                .add("revocations:read"))
                .put("revocation_list_endpoint", issuer + "/revocations")
                .put("userinfo_endpoint", issuer + "/oauth2/userinfo")
                .put("end_session_endpoint", issuer + "/oauth2/end-session")
                .put(
                        "dpop_signing_alg_values_supported",
                        new JsonArray().add("ES256").add("RS256").add("EdDSA"));
    }

    /**
     * The OpenID Provider configuration: the RFC 8414 document (the two stay one, RFC 8414 §1) plus the OpenID
     * Discovery fields.
     *
     * @see <a href="https://openid.net/specs/openid-connect-discovery-1_0.html#ProviderMetadata">Discovery §3</a>
     */
    public static JsonObject openid(String issuer, URI jwksUri) {
        return of(issuer, jwksUri)
                .put("subject_types_supported", new JsonArray().add("public"))
                .put(
                        "id_token_signing_alg_values_supported",
                        new JsonArray().add("RS256").add("ES256"))
                .put(
                        "claims_supported",
                        new JsonArray()
                                .add("sub")
                                .add("iss")
                                .add("aud")
                                .add("exp")
                                .add("iat")
                                .add("auth_time")
                                .add("nonce")
                                .add("azp")
                                .add("sid")
                                .add("at_hash")
                                .add("name")
                                .add("preferred_username")
                                .add("email")
                                .add("email_verified"))
                .put("claim_types_supported", new JsonArray().add("normal"))
                .put("request_parameter_supported", false)
                .put("request_uri_parameter_supported", false)
                .put("backchannel_logout_supported", true)
                .put("backchannel_logout_session_supported", true);
    }
}
