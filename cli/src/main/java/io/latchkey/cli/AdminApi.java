package io.latchkey.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.stream.Stream;

/**
 * auth-server's admin API as the CLI calls it: a client_credentials token of the admin client (fetched once per
 * run), then JSON requests with it. Every failure becomes a {@link CliFailure} whose exit code says what failed
 * and whose message is the server's {@code error_description}, never a stack trace.
 */
final class AdminApi {
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

    private final URI issuer;
    private final Credentials admin;
    private final HttpClient http;
    private String token;

    /** A client id and secret, as the environment gave them. */
    record Credentials(String clientId, String secret, String idVariable, String secretVariable) {
        /** {@code Authorization: Basic}, id and secret form-url-encoded first (RFC 6749 §2.3.1). */
        String basic() {
            String pair = URLEncoder.encode(clientId, StandardCharsets.UTF_8) + ":"
                    + URLEncoder.encode(secret, StandardCharsets.UTF_8);
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
    }

    AdminApi(URI issuer, Credentials admin, HttpClient http) {
        this.issuer = issuer;
        this.admin = admin;
        this.http = http;
    }

    /** One path segment, percent-encoded, so an id a user typed can never become another path. */
    static String segment(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String query(String name, String value) {
        return name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    JsonNode get(String path) {
        return call("GET", path, null);
    }

    JsonNode post(String path, JsonNode body) {
        return call("POST", path, body);
    }

    JsonNode put(String path, JsonNode body) {
        return call("PUT", path, body);
    }

    /** The answer's JSON body, or null for 204. */
    private JsonNode call(String method, String path, JsonNode body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(issuer.resolve(path))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token())
                .header("Accept", "application/json");
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(Json.write(body)));
        }
        HttpResponse<String> response = send(request.build());
        if (response.statusCode() == 204) {
            return null;
        }
        JsonNode json = Json.parse(response.body());
        if (response.statusCode() / 100 == 2) {
            if (json == null) {
                throw new CliFailure(
                        CliFailure.SERVER, "the server answered " + path + " with a body that is not JSON");
            }
            return json;
        }
        throw failure(response.statusCode(), json);
    }

    private String token() {
        if (token != null) {
            return token;
        }
        HttpRequest request = HttpRequest.newBuilder(issuer.resolve("/oauth2/token"))
                .timeout(REQUEST_TIMEOUT)
                .header("Authorization", admin.basic())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials"))
                .build();
        HttpResponse<String> response = send(request);
        JsonNode json = Json.parse(response.body());
        if (response.statusCode() == 401 || (response.statusCode() == 400 && isError(json, "unauthorized_client"))) {
            throw new CliFailure(
                    CliFailure.AUTH,
                    "authentication failed: check " + admin.idVariable() + " and " + admin.secretVariable());
        }
        if (response.statusCode() != 200
                || json == null
                || !json.path("access_token").isTextual()) {
            throw failure(response.statusCode(), json);
        }
        token = json.get("access_token").asText();
        return token;
    }

    private static boolean isError(JsonNode json, String code) {
        return json != null && code.equals(json.path("error").asText());
    }

    HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.SERVER, "interrupted");
        }
    }

    /** Opens a response read line by line (the revocation stream); the caller checks the status. */
    HttpResponse<Stream<String>> open(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(CliFailure.SERVER, "interrupted");
        }
    }

    CliFailure unreachable(IOException e) {
        return new CliFailure(
                CliFailure.SERVER,
                "cannot reach " + issuer + " (" + e.getClass().getSimpleName() + ")");
    }

    URI issuer() {
        return issuer;
    }

    /** The failure an error answer stands for, its message the server's description. */
    static CliFailure failure(int status, JsonNode json) {
        String description = json == null ? "" : json.path("error_description").asText("");
        String error = json == null ? "" : json.path("error").asText("");
        String message = (description.isEmpty() ? "the server answered HTTP " + status : description)
                + (error.isEmpty() ? "" : " (" + error + ")");
        int code;
        if (status == 401 || status == 403) {
            code = CliFailure.AUTH;
        } else if (status == 404) {
            code = CliFailure.NOT_FOUND;
        } else if (status >= 400 && status < 500) {
            code = CliFailure.INVALID_INPUT;
        } else {
            code = CliFailure.SERVER;
        }
        return new CliFailure(code, message);
    }
}
