package io.latchkey.keys.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JWKS is readable by a web page of any origin ({@code Access-Control-Allow-Origin: *} on 200, HEAD and 304,
 * preflights answered); nothing else key-service serves sends a CORS header.
 */
class JwksCorsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static final String ORIGIN = "https://spa.example";

    private static Vertx vertx;
    private static KeyServiceConfig config;
    private static KeyServiceVerticle service;
    private static WebClient client;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        config = TestKeyService.on(db.url()).build();
        service = TestKeyService.deploy(vertx, config);
        client = WebClient.create(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void jwksWhenFetchedFromAnyOriginThenReadableByAll() {
        HttpResponse<Buffer> get = send(jwks(HttpMethod.GET).putHeader("Origin", ORIGIN));
        HttpResponse<Buffer> head = send(jwks(HttpMethod.HEAD).putHeader("Origin", "null"));
        HttpResponse<Buffer> notModified = send(
                jwks(HttpMethod.GET).putHeader("Origin", ORIGIN).putHeader("If-None-Match", get.getHeader("ETag")));

        assertEquals(200, get.statusCode());
        assertEquals(200, head.statusCode());
        assertEquals(304, notModified.statusCode());
        for (HttpResponse<Buffer> response : List.of(get, head, notModified)) {
            assertEquals("*", response.getHeader("Access-Control-Allow-Origin"));
            assertNull(response.getHeader("Access-Control-Allow-Credentials"));
        }
    }

    @Test
    void jwksWhenPreflightedThenAllowedForGetAndHead() {
        HttpResponse<Buffer> response = send(
                jwks(HttpMethod.OPTIONS).putHeader("Origin", ORIGIN).putHeader("Access-Control-Request-Method", "GET"));

        assertEquals(204, response.statusCode());
        assertEquals("*", response.getHeader("Access-Control-Allow-Origin"));
        assertEquals("GET, HEAD", response.getHeader("Access-Control-Allow-Methods"));
        assertEquals("600", response.getHeader("Access-Control-Max-Age"));
        assertNull(response.getHeader("Access-Control-Allow-Credentials"));
    }

    @Test
    void otherRoutesWhenAskedFromAnOriginThenNoCorsHeaders() {
        List<HttpResponse<Buffer>> answers = List.of(
                send(client.get(service.publicPort(), "127.0.0.1", "/health/live")
                        .putHeader("Origin", ORIGIN)),
                send(client.get(service.internalPort(), "127.0.0.1", "/internal/keys")
                        .putHeader("Origin", ORIGIN)
                        .putHeader("Authorization", "Bearer " + config.internalSecret())),
                send(client.request(HttpMethod.OPTIONS, service.internalPort(), "127.0.0.1", "/internal/sign")
                        .putHeader("Origin", ORIGIN)
                        .putHeader("Access-Control-Request-Method", "POST")));

        assertEquals(200, answers.get(0).statusCode());
        assertEquals(200, answers.get(1).statusCode());
        for (HttpResponse<Buffer> response : answers) {
            assertTrue(response.statusCode() < 500);
            assertTrue(
                    response.headers().names().stream()
                            .noneMatch(name -> name.toLowerCase().startsWith("access-control-")),
                    response.headers().toString());
        }
    }

    private static HttpRequest<Buffer> jwks(HttpMethod method) {
        return client.request(method, service.publicPort(), "127.0.0.1", JwksRoutes.PATH);
    }

    private static HttpResponse<Buffer> send(HttpRequest<Buffer> request) {
        return Await.result(request.send());
    }
}
