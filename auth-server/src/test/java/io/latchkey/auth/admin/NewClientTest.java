package io.latchkey.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.client.ClientMetadata;
import io.latchkey.auth.client.RedirectUris;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class NewClientTest {
    private static JsonObject valid() {
        return new JsonObject("""
                {"client_id":"billing","grant_types":["client_credentials"],"scopes":["notes:read"],"audience":"api"}""");
    }

    private static String rejection(JsonObject json) {
        return assertThrows(OAuthError.class, () -> NewClient.from(json)).body().encode();
    }

    @Test
    void fromWhenValidThenConfidentialClient() {
        NewClient client = NewClient.from(valid());
        assertEquals("billing", client.clientId());
        assertTrue(client.suppliedSecret().isEmpty());
        assertEquals("api", client.audience());
    }

    @Test
    void fromWhenClientIdUuidShapedThenInvalidRequest() {
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"client_id must match [A-Za-z0-9._-]{1,64} and not look like a UUID\"}",
                rejection(valid().put("client_id", "0b6f1c52-9d0e-4d4e-9a52-3f1f2f0e6a11")));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"client_id must match [A-Za-z0-9._-]{1,64} and not look like a UUID\"}",
                rejection(valid().put("client_id", "bad id")));
    }

    @Test
    void fromWhenAudienceMissingThenInvalidRequest() {
        JsonObject json = valid();
        json.remove("audience");
        assertEquals("{\"error\":\"invalid_request\",\"error_description\":\"audience is required\"}", rejection(json));
    }

    @Test
    void fromWhenAudienceIsAnArrayThenKeptAsAnArrayEvenOfOne() {
        assertEquals(
                new JsonArray().add("api").add("billing"),
                NewClient.from(valid().put(
                                        "audience", new JsonArray().add("api").add("billing")))
                        .audience());
        assertEquals(
                new JsonArray().add("api"),
                NewClient.from(valid().put("audience", new JsonArray().add("api")))
                        .audience());
    }

    @Test
    void fromWhenAudienceArrayEmptyOrNotOfDistinctStringsThenInvalidRequest() {
        String shape = "{\"error\":\"invalid_request\",\"error_description\":"
                + "\"audience must be a string or a non-empty array of distinct strings\"}";
        assertEquals(shape, rejection(valid().put("audience", new JsonArray())));
        assertEquals(
                shape,
                rejection(valid().put("audience", new JsonArray().add("api").add(7))));
        assertEquals(
                shape,
                rejection(valid().put("audience", new JsonArray().add("api").add("api"))));
        assertEquals(shape, rejection(valid().put("audience", 7)));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"audience must have 1 to 255 printable characters\"}",
                rejection(valid().put("audience", new JsonArray().add("api").add(" "))));
        JsonArray seventeen = new JsonArray();
        for (int i = 0; i < 17; i++) {
            seventeen.add("api-" + i);
        }
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"audience may list at most 16 entries\"}",
                rejection(valid().put("audience", seventeen)));
    }

    @Test
    void fromWhenAdminScopeWithPasswordGrantThenInvalidRequest() {
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"Only confidential clients without the password grant may hold admin or revocations:read\"}",
                rejection(valid().put("grant_types", new io.vertx.core.json.JsonArray().add("password"))
                        .put("scopes", new io.vertx.core.json.JsonArray().add("admin"))));
    }

    @Test
    void fromWhenPublicClientAsksClientCredentialsThenInvalidRequest() {
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"A public client cannot use client_credentials\"}",
                rejection(valid().put("token_endpoint_auth_method", "none")));
    }

    @Test
    void fromWhenIpAllowlistOfCidrsThenCarriedInMetadata() {
        NewClient client = NewClient.from(valid().put(
                        "token_endpoint_ip_allowlist",
                        new JsonArray().add("10.0.0.0/8").add("2001:db8::/32").add("192.0.2.7")));
        assertEquals(
                List.of("10.0.0.0/8", "2001:db8::/32", "192.0.2.7"),
                client.metadata().tokenEndpointIpAllowlist());
        assertEquals(List.of(), NewClient.from(valid()).metadata().tokenEndpointIpAllowlist());
    }

    @Test
    void fromWhenIpAllowlistEntryIsNotACidrThenInvalidRequestNamingTheEntry() {
        for (String entry :
                List.of("10.0.0.0/33", "example.com", "10.0.0/8", "", " 10.0.0.0/8", "::/129", "10.0.0.0/-1")) {
            assertEquals(
                    "{\"error\":\"invalid_request\",\"error_description\":\"token_endpoint_ip_allowlist[0] must be a CIDR"
                            + " such as 203.0.113.0/24 or 2001:db8::/32\"}",
                    rejection(valid().put("token_endpoint_ip_allowlist", new JsonArray().add(entry))),
                    entry);
        }
    }

    @Test
    void fromWhenPublicClientHasIpAllowlistThenInvalidRequest() {
        JsonObject json = valid().put("token_endpoint_auth_method", "none")
                .put("grant_types", new JsonArray().add("password"))
                .put("token_endpoint_ip_allowlist", new JsonArray().add("10.0.0.0/8"));
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":"
                        + "\"token_endpoint_ip_allowlist is for confidential clients only\"}",
                rejection(json));
    }

    @Test
    void fromWhenSuppliedSecretShortThenInvalidRequest() {
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"client_secret must have at least 32 characters\"}",
                rejection(valid().put("client_secret", "too-short")));
    }

    @Test
    void fromWhenMoreThanAHundredScopesThenInvalidRequest() {
        JsonArray scopes = new JsonArray();
        for (int i = 0; i < 5_000; i++) {
            scopes.add("scope-" + i);
        }
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"scopes may list at most 100 entries\"}",
                rejection(valid().put("scopes", scopes)));
    }

    @Test
    void fromWhenAScopeIsLongerThan128CharactersThenInvalidRequestNamingScopes() {
        assertEquals(
                "{\"error\":\"invalid_request\",\"error_description\":\"scopes entries may be at most 128"
                        + " characters\"}",
                rejection(valid().put("scopes", new JsonArray().add("s".repeat(129)))));
        String longest = "s".repeat(128);
        assertEquals(
                List.of(longest),
                NewClient.from(valid().put("scopes", new JsonArray().add(longest)))
                        .scopes());
    }

    private static JsonObject webClient() {
        return new JsonObject("""
                {"client_id":"notes-web","grant_types":["authorization_code","refresh_token"],
                 "scopes":["openid","profile","email","notes:read"],"audience":"resource-demo",
                 "redirect_uris":["https://notes.example/callback"]}""");
    }

    private static String invalidRequest(String description) {
        return new JsonObject()
                .put("error", "invalid_request")
                .put("error_description", description)
                .encode();
    }

    private static JsonArray array(Object... items) {
        return new JsonArray(List.of(items));
    }

    @Test
    void fromWhenNoBrowserFieldsThenMetadataIsTheDefaults() {
        assertEquals(ClientMetadata.NONE, NewClient.from(valid()).metadata());
        JsonObject nulls = valid();
        for (String field : List.of(
                "redirect_uris",
                "post_logout_redirect_uris",
                "backchannel_logout_uri",
                "allowed_cors_origins",
                "first_party",
                "client_name",
                "access_token_signing_alg",
                "dpop_bound_access_tokens")) {
            nulls.putNull(field);
        }
        assertEquals(ClientMetadata.NONE, NewClient.from(nulls).metadata());
    }

    @Test
    void fromWhenEveryBrowserFieldGivenThenCarriedInMetadata() {
        NewClient client = NewClient.from(webClient()
                .put("token_endpoint_auth_method", "client_secret_post")
                .put("redirect_uris", array("https://notes.example/callback", "http://127.0.0.1:7777/cb"))
                .put("post_logout_redirect_uris", array("https://notes.example/"))
                .put("backchannel_logout_uri", "https://notes.example/backchannel-logout")
                .put("allowed_cors_origins", array("https://notes.example", "http://localhost:3000"))
                .put("first_party", true)
                .put("client_name", "Notes — «ünïcode» <b>&</b>")
                .put("access_token_signing_alg", "ES256")
                .put("dpop_bound_access_tokens", true));
        assertEquals(List.of("authorization_code", "refresh_token"), client.grantTypes());
        assertEquals(
                new ClientMetadata(
                        List.of("https://notes.example/callback", "http://127.0.0.1:7777/cb"),
                        List.of("https://notes.example/"),
                        Optional.of("https://notes.example/backchannel-logout"),
                        List.of("https://notes.example", "http://localhost:3000"),
                        true,
                        Optional.of("Notes — «ünïcode» <b>&</b>"),
                        "ES256",
                        true),
                client.metadata());
    }

    @Test
    void fromWhenPublicClientAsksAuthorizationCodeWithRedirectThenAccepted() {
        NewClient client = NewClient.from(webClient().put("token_endpoint_auth_method", "none"));
        assertTrue(client.isPublic());
        assertEquals(List.of("authorization_code", "refresh_token"), client.grantTypes());
        assertEquals(
                List.of("https://notes.example/callback"), client.metadata().redirectUris());
    }

    @Test
    void fromWhenAuthorizationCodeWithoutRedirectUrisThenInvalidRequest() {
        String refusal = invalidRequest("grant_types authorization_code needs at least one redirect_uris entry");
        JsonObject absent = webClient();
        absent.remove("redirect_uris");
        assertEquals(refusal, rejection(absent));
        assertEquals(refusal, rejection(webClient().put("redirect_uris", new JsonArray())));
        assertEquals(refusal, rejection(webClient().putNull("redirect_uris")));
        // A post-logout redirect URI is not a redirect URI.
        assertEquals(refusal, rejection(absent.put("post_logout_redirect_uris", array("https://notes.example/"))));
    }

    @Test
    void fromWhenGrantTypeUnknownThenInvalidRequestListingTheKnownOnes() {
        assertEquals(
                invalidRequest(
                        "grant_types must list authorization_code, password, client_credentials or refresh_token"),
                rejection(webClient().put("grant_types", array("implicit"))));
    }

    @Test
    void fromWhenPasswordNotListedThenNotGranted() {
        assertFalse(NewClient.from(webClient()).grantTypes().contains("password"));
        assertFalse(NewClient.from(webClient().put("first_party", true).put("token_endpoint_auth_method", "none"))
                .grantTypes()
                .contains("password"));
        JsonObject noGrants = webClient();
        noGrants.remove("grant_types");
        assertEquals(invalidRequest("grant_types must be an array of strings"), rejection(noGrants));
    }

    @Test
    void fromWhenRedirectUriHostileThenInvalidRequestNamingFieldAndProblem() {
        Map<String, String> refusals = new LinkedHashMap<>();
        refusals.put("https://notes.example/cb#frag", "redirect_uris[0] must not have a fragment");
        refusals.put("https://notes.example/cb#", "redirect_uris[0] must not have a fragment");
        refusals.put("javascript:alert(1)", "redirect_uris[0] must be an absolute URI with a host");
        refusals.put("http://evil.example/cb", "redirect_uris[0] must use https, or http only on a loopback host");
        refusals.put("https://a@b/", "redirect_uris[0] must not carry user info");
        refusals.put("/callback", "redirect_uris[0] must be an absolute URI with a host");
        refusals.put("data:text/html,x", "redirect_uris[0] must be an absolute URI with a host");
        refusals.put("ftp://notes.example/cb", "redirect_uris[0] must use https, or http only on a loopback host");
        refusals.put("https://notes.example/a b", "redirect_uris[0] must be printable ASCII without spaces");
        refusals.put("https://notes.example/\n", "redirect_uris[0] must be printable ASCII without spaces");
        refusals.put("", "redirect_uris[0] must have 1 to 2000 characters");
        refusals.put(
                "https://notes.example/" + "a".repeat(RedirectUris.MAX_LENGTH),
                "redirect_uris[0] must have 1 to 2000 characters");
        refusals.forEach((uri, description) -> {
            assertEquals(invalidRequest(description), rejection(webClient().put("redirect_uris", array(uri))), uri);
            assertEquals(
                    invalidRequest(description.replace("redirect_uris", "post_logout_redirect_uris")),
                    rejection(webClient().put("post_logout_redirect_uris", array(uri))),
                    uri);
        });
        assertEquals(
                invalidRequest("redirect_uris[1] must use https, or http only on a loopback host"),
                rejection(webClient()
                        .put("redirect_uris", array("https://notes.example/callback", "http://evil.example/cb"))));
    }

    @Test
    void fromWhenRedirectUriOnLoopbackOverHttpThenAccepted() {
        List<String> loopback =
                List.of("http://localhost:8082/callback", "http://127.0.0.1/cb", "http://[::1]:49152/cb?x=1");
        assertEquals(
                loopback,
                NewClient.from(webClient().put("redirect_uris", new JsonArray(loopback)))
                        .metadata()
                        .redirectUris());
    }

    @Test
    void fromWhenUriListsNotArraysOfDistinctStringsThenInvalidRequest() {
        for (String field : List.of("redirect_uris", "post_logout_redirect_uris", "allowed_cors_origins")) {
            String entry = field.equals("allowed_cors_origins") ? "https://notes.example" : "https://notes.example/cb";
            assertEquals(
                    invalidRequest(field + " must be an array of strings"),
                    rejection(webClient().put(field, entry)),
                    field);
            assertEquals(
                    invalidRequest(field + " must be an array of strings"),
                    rejection(webClient().put(field, new JsonObject().put("0", entry))),
                    field);
            assertEquals(
                    invalidRequest(field + " must be an array of distinct strings"),
                    rejection(webClient().put(field, array(entry, 7))),
                    field);
            assertEquals(
                    invalidRequest(field + " must be an array of distinct strings"),
                    rejection(webClient().put(field, array(entry, new JsonArray()))),
                    field);
            assertEquals(
                    invalidRequest(field + " must be an array of distinct strings"),
                    rejection(webClient().put(field, array(entry, entry))),
                    field);
            JsonArray many = new JsonArray();
            for (int i = 0; i < 32; i++) {
                many.add(entry.replace("notes", "notes" + i));
            }
            assertEquals(32, ((List<?>) fieldOf(NewClient.from(webClient().put(field, many)), field)).size());
            many.add(entry.replace("notes", "notes32"));
            assertEquals(
                    invalidRequest(field + " may list at most 32 entries"),
                    rejection(webClient().put(field, many)),
                    field);
        }
    }

    private static Object fieldOf(NewClient client, String field) {
        return switch (field) {
            case "redirect_uris" -> client.metadata().redirectUris();
            case "post_logout_redirect_uris" -> client.metadata().postLogoutRedirectUris();
            default -> client.metadata().allowedCorsOrigins();
        };
    }

    @Test
    void fromWhenBackchannelLogoutUriBreaksTheRulesThenInvalidRequest() {
        assertEquals(
                Optional.of("http://localhost:8082/backchannel-logout"),
                NewClient.from(webClient().put("backchannel_logout_uri", "http://localhost:8082/backchannel-logout"))
                        .metadata()
                        .backchannelLogoutUri());
        assertEquals(
                invalidRequest("backchannel_logout_uri must use https, or http only on a loopback host"),
                rejection(webClient().put("backchannel_logout_uri", "http://notes.example/logout")));
        assertEquals(
                invalidRequest("backchannel_logout_uri must not have a fragment"),
                rejection(webClient().put("backchannel_logout_uri", "https://notes.example/logout#x")));
        assertEquals(
                invalidRequest("backchannel_logout_uri must not carry user info"),
                rejection(webClient().put("backchannel_logout_uri", "https://a@b/")));
        assertEquals(
                invalidRequest("backchannel_logout_uri must have 1 to 2000 characters"),
                rejection(webClient().put("backchannel_logout_uri", "")));
        assertEquals(
                invalidRequest("backchannel_logout_uri must be a string"),
                rejection(webClient().put("backchannel_logout_uri", array("https://notes.example/logout"))));
    }

    @Test
    void fromWhenCorsOriginIsAnOriginThenAccepted() {
        List<String> origins = List.of(
                "http://localhost:3000",
                "http://127.0.0.1:8080",
                "http://[::1]:5173",
                "http://localhost",
                "https://app.example",
                "https://app.example:8443",
                "https://xn--bcher-kva.example",
                "https://10.0.0.7");
        assertEquals(
                origins,
                NewClient.from(webClient().put("allowed_cors_origins", new JsonArray(origins)))
                        .metadata()
                        .allowedCorsOrigins());
    }

    @Test
    void fromWhenCorsOriginIsNotExactlyAnOriginThenInvalidRequest() {
        String shape = "allowed_cors_origins[0] must be an origin, scheme://host[:port] with a lowercase scheme"
                + " and host, no path, no trailing slash";
        Map<String, String> refusals = new LinkedHashMap<>();
        for (String origin : List.of(
                "*",
                "null",
                "",
                "https://app.example/",
                "https://app.example/path",
                "https://app.example?x=1",
                "https://app.example#x",
                "https://APP.example",
                "HTTPS://app.example",
                "https://app.example.",
                "https://-app.example",
                "https://app..example",
                "https://user@app.example",
                "https://app.example:",
                "https://app.example:0",
                "https://app.example:08443",
                "https://app.example:123456",
                "https://*.app.example",
                "app.example",
                "//app.example",
                "javascript:alert(1)",
                "file://",
                "https://app.example ",
                " https://app.example",
                "https://app.exämple",
                "https://" + "a".repeat(300) + ".example",
                "https://" + "a".repeat(10_000))) {
            refusals.put(origin, shape);
        }
        refusals.put("http://app.example", "allowed_cors_origins[0] must use https, or http only on a loopback host");
        refusals.put("http://127.0.0.2:80", "allowed_cors_origins[0] must leave out the default port, as browsers do");
        refusals.put("http://localhost:80", "allowed_cors_origins[0] must leave out the default port, as browsers do");
        refusals.put(
                "https://app.example:443", "allowed_cors_origins[0] must leave out the default port, as browsers do");
        refusals.put("https://app.example:65536", "allowed_cors_origins[0] must have a port from 1 to 65535");
        refusals.forEach((origin, description) -> assertEquals(
                invalidRequest(description),
                rejection(webClient().put("allowed_cors_origins", array(origin))),
                origin));
    }

    @Test
    void fromWhenFlagsAreNotBooleansThenInvalidRequest() {
        for (String field : List.of("first_party", "dpop_bound_access_tokens")) {
            for (Object value : List.of("true", 1, 0, array(true), new JsonObject())) {
                assertEquals(
                        invalidRequest(field + " must be true or false"),
                        rejection(webClient().put(field, value)),
                        field + "=" + value);
            }
        }
        NewClient client = NewClient.from(webClient().put("first_party", false).put("dpop_bound_access_tokens", true));
        assertFalse(client.metadata().firstParty());
        assertTrue(client.metadata().dpopBoundAccessTokens());
    }

    @Test
    void fromWhenClientNameOutOfBoundsOrWithControlCharactersThenInvalidRequest() {
        String refusal = invalidRequest("client_name must have 1 to 100 characters and no control characters");
        for (String name : List.of("", "x".repeat(101), "Notes\n", "Notes\u0000", "No\ttes", "Notes\u007f", "\u0085")) {
            assertEquals(refusal, rejection(webClient().put("client_name", name)), name);
        }
        assertEquals(
                invalidRequest("client_name must be a string"),
                rejection(webClient().put("client_name", 42)));
        // Characters, not UTF-16 units: 100 emoji fit.
        String hundredEmoji = "\uD83D\uDCDD".repeat(100);
        assertEquals(
                Optional.of(hundredEmoji),
                NewClient.from(webClient().put("client_name", hundredEmoji))
                        .metadata()
                        .clientName());
        assertEquals(
                Optional.of("x".repeat(100)),
                NewClient.from(webClient().put("client_name", "x".repeat(100)))
                        .metadata()
                        .clientName());
    }

    @Test
    void fromWhenSigningAlgorithmNotRs256OrEs256ThenInvalidRequest() {
        assertEquals(
                "RS256",
                NewClient.from(webClient().put("access_token_signing_alg", "RS256"))
                        .metadata()
                        .accessTokenSigningAlg());
        for (Object alg : List.of("none", "HS256", "es256", "EdDSA", "", 256)) {
            assertEquals(
                    invalidRequest(
                            alg instanceof String
                                    ? "access_token_signing_alg must be RS256 or ES256"
                                    : "access_token_signing_alg must be a string"),
                    rejection(webClient().put("access_token_signing_alg", alg)),
                    String.valueOf(alg));
        }
    }

    @Test
    void fromWhenPrivilegedScopeWithAuthorizationCodeOnAConfidentialClientThenRuleUnchanged() {
        // The privileged-scope rule is about public clients and the password grant only.
        assertEquals(
                List.of("revocations:read"),
                NewClient.from(webClient().put("scopes", array("revocations:read")))
                        .scopes());
        assertEquals(
                invalidRequest(
                        "Only confidential clients without the password grant may hold admin or revocations:read"),
                rejection(webClient().put("token_endpoint_auth_method", "none").put("scopes", array("admin"))));
    }
}
