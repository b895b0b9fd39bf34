package io.latchkey.auth.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
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
}
