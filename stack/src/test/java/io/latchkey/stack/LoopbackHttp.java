package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.latchkey.common.config.DevValues;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The few HTTP calls the cross-process tests make, over plain loopback HTTP with short timeouts. */
public final class LoopbackHttp {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public HttpResponse<String> get(String url, String bearer) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT);
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A GET with HTTP Basic credentials ({@link #basic}), as a confidential client reads the revocation feed. */
    public HttpResponse<String> getBasic(String url, String basic) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Authorization", basic)
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> form(String url, String basic, Map<String, String> fields)
            throws IOException, InterruptedException {
        String body = fields.entrySet().stream()
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (basic != null) {
            request.header("Authorization", basic);
        }
        return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    public HttpResponse<String> postJson(String url, String bearer, JsonObject body)
            throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode()))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** Creates an admin resource ({@code /admin/users}, {@code /admin/clients}) and fails the test unless 201. */
    public void adminCreate(String url, String adminToken, JsonObject body) throws IOException, InterruptedException {
        HttpResponse<String> response = postJson(url, adminToken, body);
        assertEquals(201, response.statusCode(), response.body());
    }

    /** Registers resource-demo's feed client (dev secret, {@code revocations:read}) at an empty auth-server. */
    public void registerFeedClient(String authUrl, String adminToken) throws IOException, InterruptedException {
        adminCreate(
                authUrl + "/admin/clients",
                adminToken,
                new JsonObject()
                        .put("client_id", "resource-demo")
                        .put("client_secret", DevValues.RESOURCE_DEMO_SECRET)
                        .put("grant_types", new JsonArray(List.of("client_credentials")))
                        .put("scopes", new JsonArray(List.of("revocations:read")))
                        .put("audience", "resource-demo"));
    }

    public HttpResponse<String> post(String url, String bearer) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(TIMEOUT)
                .header("Authorization", "Bearer " + bearer)
                .POST(HttpRequest.BodyPublishers.noBody())
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    public static String basic(String id, String secret) {
        String pair = encode(id) + ":" + encode(secret);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    /** The {@code kid} of a compact JWS, read from its header without verifying anything. */
    public static String kid(String jws) {
        String header = jws.substring(0, jws.indexOf('.'));
        return new JsonObject(new String(Base64.getUrlDecoder().decode(header), StandardCharsets.UTF_8))
                .getString("kid");
    }

    /** One of the calls above inside a polling condition ({@code Await}), its checked exceptions made unchecked. */
    public static <T> T unchecked(Call<T> call) {
        try {
            return call.run();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    /** An HTTP call of this class. */
    @FunctionalInterface
    public interface Call<T> {
        T run() throws IOException, InterruptedException;
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
