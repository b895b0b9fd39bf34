package io.latchkey.auth.revocation;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.auth.test.TestAuthServer;
import io.latchkey.auth.test.TestClients;
import io.latchkey.common.testing.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import java.util.List;
import java.util.stream.Collectors;

/** Small HTTP steps shared by the logout and revocation tests: log in, log out, introspect, read the list. */
final class Logins {
    static final String APP = "app";
    static final String READER = "resource-demo";

    private Logins() {}

    /** A password login through the public client {@link #APP}: the token response. */
    static JsonObject login(TestAuthServer auth, String username, String password) {
        HttpResponse<Buffer> response = auth.postForm(
                "/oauth2/token",
                null,
                null,
                "grant_type=password&client_id=" + APP + "&username=" + username + "&password=" + password);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject();
    }

    static HttpResponse<Buffer> refresh(TestAuthServer auth, String refreshToken) {
        return auth.postForm(
                "/oauth2/token",
                null,
                null,
                "grant_type=refresh_token&client_id=" + APP + "&refresh_token=" + refreshToken);
    }

    static HttpResponse<Buffer> logout(TestAuthServer auth, String query, String authorization) {
        HttpRequest<Buffer> request = auth.client().post("/logout" + query);
        if (authorization != null) {
            request.putHeader("Authorization", authorization);
        }
        return Await.result(request.send());
    }

    static boolean active(TestAuthServer auth, String accessToken) {
        HttpResponse<Buffer> response =
                auth.postForm("/oauth2/introspect", READER, TestClients.secretOf(READER), "token=" + accessToken);
        assertEquals(200, response.statusCode(), response.bodyAsString());
        return response.bodyAsJsonObject().getBoolean("active");
    }

    /** Every live entry of {@code GET /revocations}, read as the {@link #READER} client. */
    static List<JsonObject> revocations(TestAuthServer auth) {
        HttpResponse<Buffer> response = Await.result(auth.client()
                .get("/revocations")
                .putHeader("Authorization", readerBasic())
                .send());
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JsonArray entries = response.bodyAsJsonObject().getJsonArray("entries");
        return entries.stream().map(JsonObject.class::cast).collect(Collectors.toList());
    }

    static String readerBasic() {
        return TestAuthServer.basic(READER, TestClients.secretOf(READER));
    }

    static String bearer(JsonObject tokenResponse) {
        return "Bearer " + tokenResponse.getString("access_token");
    }
}
