package io.latchkey.demo.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndSessionEndpointTest {
    private static final String ISSUER = "http://localhost:8080";

    private static Optional<String> read(String endpoint) {
        return EndSessionEndpoint.endSessionEndpoint(
                new JsonObject().put("issuer", ISSUER).put("end_session_endpoint", endpoint), ISSUER);
    }

    @Test
    void endSessionEndpointWhenOnTheIssuersOriginThenTaken() {
        assertEquals(Optional.of(ISSUER + "/oauth2/end-session"), read(ISSUER + "/oauth2/end-session"));
        assertEquals(Optional.of(ISSUER + "/connect/logout?x=1"), read(ISSUER + "/connect/logout?x=1"));
    }

    @Test
    void endSessionEndpointWhenElsewhereOrMalformedThenNone() {
        assertEquals(Optional.empty(), read("https://evil.example/oauth2/end-session"));
        assertEquals(Optional.empty(), read(ISSUER + ".evil.example/end-session"));
        assertEquals(Optional.empty(), read(ISSUER + "/end-session#x"));
        assertEquals(Optional.empty(), read(ISSUER + "/end session"));
        assertEquals(
                Optional.empty(),
                EndSessionEndpoint.endSessionEndpoint(new JsonObject().put("issuer", ISSUER), ISSUER));
    }

    @Test
    void endSessionEndpointWhenTheMetadataIsAnotherIssuersThenNone() {
        assertEquals(
                Optional.empty(),
                EndSessionEndpoint.endSessionEndpoint(
                        new JsonObject()
                                .put("issuer", "http://localhost:9999")
                                .put("end_session_endpoint", ISSUER + "/oauth2/end-session"),
                        ISSUER));
    }
}
