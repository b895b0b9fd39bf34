package io.latchkey.keys.test;

import io.latchkey.common.testing.Await;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Talks to one running key-service over real HTTP, as auth-server and verifiers do. */
public final class KeyServiceClient {
    private final WebClient client;
    private final KeyServiceVerticle service;
    private final String secret;
    private final java.time.Duration tokenLifetime;

    public KeyServiceClient(WebClient client, KeyServiceVerticle service, KeyServiceConfig config) {
        this.client = client;
        this.service = service;
        this.secret = config.internalSecret();
        this.tokenLifetime = config.accessTokenTtl();
    }

    public Future<HttpResponse<Buffer>> signAsync(JsonObject request) {
        return client.post(service.internalPort(), "127.0.0.1", "/internal/sign")
                .putHeader("Authorization", "Bearer " + secret)
                .sendJsonObject(request);
    }

    /** Signs a valid request and returns the answer's JSON, failing on any other status than 200. */
    public JsonObject sign() {
        HttpResponse<Buffer> response = Await.result(signAsync(validRequest()));
        if (response.statusCode() != 200) {
            throw new AssertionError("sign answered " + response.statusCode() + " " + response.bodyAsString());
        }
        return response.bodyAsJsonObject();
    }

    /** Signs a valid request with {@code alg}'s ring, failing on any other status than 200. */
    public JsonObject sign(String alg) {
        HttpResponse<Buffer> response = Await.result(signAsync(validRequest().put("alg", alg)));
        if (response.statusCode() != 200) {
            throw new AssertionError("sign answered " + response.statusCode() + " " + response.bodyAsString());
        }
        return response.bodyAsJsonObject();
    }

    public Future<HttpResponse<Buffer>> signBatchAsync(JsonObject request) {
        return client.post(service.internalPort(), "127.0.0.1", "/internal/sign/batch")
                .putHeader("Authorization", "Bearer " + secret)
                .sendJsonObject(request);
    }

    /** Posts {@code body} to an internal {@code path}. */
    public HttpResponse<Buffer> post(String path, JsonObject body) {
        return Await.result(client.post(service.internalPort(), "127.0.0.1", path)
                .putHeader("Authorization", "Bearer " + secret)
                .sendJsonObject(body));
    }

    public int internalPort() {
        return service.internalPort();
    }

    /** A request within this service's bounds. */
    public JsonObject validRequest() {
        return TestTokens.valid().lifetime(tokenLifetime).request();
    }

    public HttpResponse<Buffer> jwksResponse() {
        return Await.result(client.get(service.publicPort(), "127.0.0.1", "/.well-known/jwks.json")
                .send());
    }

    /** The kids in the JWKS, in document order. */
    public List<String> jwksKids() {
        return jwksResponse().bodyAsJsonObject().getJsonArray("keys").stream()
                .map(k -> ((JsonObject) k).getString("kid"))
                .toList();
    }

    /** The kids of {@code alg}'s ring in the JWKS, in document order. */
    public List<String> jwksKids(String alg) {
        return jwksResponse().bodyAsJsonObject().getJsonArray("keys").stream()
                .map(JsonObject.class::cast)
                .filter(k -> alg.equals(k.getString("alg")))
                .map(k -> k.getString("kid"))
                .toList();
    }

    public Set<String> jwksKidSet() {
        return jwksKids().stream().collect(Collectors.toSet());
    }

    public HttpResponse<Buffer> post(String path) {
        return Await.result(client.post(service.internalPort(), "127.0.0.1", path)
                .putHeader("Authorization", "Bearer " + secret)
                .send());
    }

    public JsonObject keys() {
        return Await.result(client.get(service.internalPort(), "127.0.0.1", "/internal/keys")
                        .putHeader("Authorization", "Bearer " + secret)
                        .send())
                .bodyAsJsonObject();
    }
}
