package io.latchkey.stack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dev stack as one user sees it: real processes, real HTTP, the seeded dev data. A token from auth-server,
 * signed by key-service, is accepted by resource-demo through the verifier; a bad one is refused per RFC 6750.
 */
class StackEndToEndIT {
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    static Path dir;

    private static final int TOKEN_TTL_SECONDS = 240;

    private static StackProcess stack;

    @BeforeAll
    static void start() throws Exception {
        // A tuning setting in the jar's environment reaches every service (key-service must agree on the TTL).
        stack = StackProcess.start(dir, null, Map.of("LATCHKEY_ACCESS_TOKEN_TTL", TOKEN_TTL_SECONDS + "s"));
        stack.awaitReady(Duration.ofSeconds(90));
    }

    @AfterAll
    static void stop() throws Exception {
        if (stack != null) {
            stack.terminate(Duration.ofSeconds(40));
            stack.close();
        }
    }

    @Test
    void metadataWhenFetchedThenNamesTheIssuerAndTheJwks() throws Exception {
        HttpResponse<String> response = get(authUrl("/.well-known/oauth-authorization-server"), null);
        assertEquals(200, response.statusCode());
        JsonObject metadata = new JsonObject(response.body());
        assertEquals("http://localhost:" + stack.authPort, metadata.getString("issuer"));
        assertEquals("http://localhost:" + stack.keyPort + "/.well-known/jwks.json", metadata.getString("jwks_uri"));
        assertEquals(
                200, get(authUrl("/.well-known/openid-configuration"), null).statusCode());
    }

    @Test
    void passwordTokenWhenPresentedToResourceDemoThenMeAndNotesWork() throws Exception {
        JsonObject token = passwordToken();
        String access = token.getString("access_token");
        assertEquals("Bearer", token.getString("token_type"));
        assertEquals(TOKEN_TTL_SECONDS, token.getInteger("expires_in"));
        assertNotNull(token.getString("refresh_token"));

        HttpResponse<String> me = get(demoUrl("/api/me"), access);
        assertEquals(200, me.statusCode(), me.body());
        JsonObject claims = new JsonObject(me.body());
        assertEquals("demo-app", claims.getString("client_id"));
        assertNotNull(claims.getString("sub"));

        HttpResponse<String> created = post(demoUrl("/api/notes"), access, "{\"text\":\"end to end\"}");
        assertEquals(201, created.statusCode(), created.body());
        HttpResponse<String> notes = get(demoUrl("/api/notes"), access);
        assertEquals(200, notes.statusCode());
        assertTrue(notes.body().contains("end to end"), notes.body());
    }

    @Test
    void clientCredentialsTokenWhenScopeIsMissingThenResourceDemoAnswersInsufficientScope() throws Exception {
        HttpResponse<String> response = form(
                authUrl("/oauth2/token"),
                basic("demo-service", "dev-demo-service-secret-not-for-production"),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, response.statusCode(), response.body());
        String access = new JsonObject(response.body()).getString("access_token");

        assertEquals(200, get(demoUrl("/api/notes"), access).statusCode());
        HttpResponse<String> write = post(demoUrl("/api/notes"), access, "{\"text\":\"nope\"}");
        assertEquals(403, write.statusCode());
        assertTrue(
                write.headers().firstValue("WWW-Authenticate").orElse("").contains("insufficient_scope"),
                write.headers().map().toString());
    }

    @Test
    void tamperedTokenWhenPresentedThenInvalidToken() throws Exception {
        String access = passwordToken().getString("access_token");
        String[] parts = access.split("\\.");
        JsonObject payload =
                new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        payload.put("scope", "notes:read notes:write admin");
        String forged = parts[0] + "."
                + Base64.getUrlEncoder()
                        .withoutPadding()
                        .encodeToString(payload.encode().getBytes(StandardCharsets.UTF_8))
                + "." + parts[2];
        HttpResponse<String> response = get(demoUrl("/api/me"), forged);
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
    }

    @Test
    void forgedTokensWhenPresentedThenEachIsInvalidToken() throws Exception {
        String access = passwordToken().getString("access_token");
        String[] parts = access.split("\\.");
        JsonObject header = json(parts[0]);
        Map<String, String> forgeries = new LinkedHashMap<>();
        forgeries.put("alg none", encode(header.copy().put("alg", "none")) + "." + parts[1] + ".");
        forgeries.put("unknown kid", encode(header.copy().put("kid", "no-such-key")) + "." + parts[1] + "." + parts[2]);
        forgeries.put(
                "embedded jwk",
                encode(header.copy().put("jwk", jwks().getJsonObject(0))) + "." + parts[1] + "." + parts[2]);
        forgeries.put(
                "jku",
                encode(header.copy().put("jku", "http://127.0.0.1:1/jwks.json")) + "." + parts[1] + "." + parts[2]);
        forgeries.put("HS256 with the public key as secret", hs256WithPublicKey(header, parts[1]));
        for (Map.Entry<String, String> forgery : forgeries.entrySet()) {
            HttpResponse<String> response = get(demoUrl("/api/me"), forgery.getValue());
            assertEquals(401, response.statusCode(), forgery.getKey());
            assertTrue(
                    response.headers().firstValue("WWW-Authenticate").orElse("").contains("error=\"invalid_token\""),
                    forgery.getKey());
        }
    }

    @Test
    void tokenForAnotherAudienceWhenPresentedThenInvalidToken() throws Exception {
        HttpResponse<String> admin = form(
                authUrl("/oauth2/token"),
                basic("admin-cli", "dev-admin-cli-secret-not-for-production"),
                Map.of("grant_type", "client_credentials"));
        assertEquals(200, admin.statusCode(), admin.body());
        HttpResponse<String> response = get(demoUrl("/api/me"), new JsonObject(admin.body()).getString("access_token"));
        assertEquals(401, response.statusCode());
        assertTrue(response.headers().firstValue("WWW-Authenticate").orElse("").contains("invalid_token"));
    }

    @Test
    void refreshTokenWhenUsedTwiceThenSecondUseIsInvalidGrant() throws Exception {
        String refresh = passwordToken().getString("refresh_token");
        HttpResponse<String> first = form(
                authUrl("/oauth2/token"),
                null,
                Map.of("grant_type", "refresh_token", "refresh_token", refresh, "client_id", "demo-app"));
        assertEquals(200, first.statusCode(), first.body());
        assertNotEquals(refresh, new JsonObject(first.body()).getString("refresh_token"));
        HttpResponse<String> again = form(
                authUrl("/oauth2/token"),
                null,
                Map.of("grant_type", "refresh_token", "refresh_token", refresh, "client_id", "demo-app"));
        assertEquals(400, again.statusCode());
        assertEquals("invalid_grant", new JsonObject(again.body()).getString("error"));
    }

    @Test
    void logoutWhenAnsweredThenResourceDemoRejectsTheTokenWithinOneSecond() throws Exception {
        String access = passwordToken().getString("access_token");
        assertEquals(200, get(demoUrl("/api/me"), access).statusCode());

        HttpResponse<String> logout = post(authUrl("/logout"), access, "");
        assertEquals(204, logout.statusCode(), logout.body());
        long loggedOut = System.nanoTime();
        long deadline = loggedOut + Duration.ofSeconds(1).toNanos();
        int status;
        do {
            status = get(demoUrl("/api/me"), access).statusCode();
        } while (status == 200 && System.nanoTime() < deadline);
        assertEquals(401, status, "rejected within 1 s of the logout response");
        System.out.println("logout reached resource-demo after "
                + Duration.ofNanos(System.nanoTime() - loggedOut).toMillis() + " ms");
    }

    @Test
    void jwksWhenFetchedThenPublishesOnlyPublicKeysOfBothRings() throws Exception {
        HttpResponse<String> response = get("http://127.0.0.1:" + stack.keyPort + "/.well-known/jwks.json", null);
        assertEquals(200, response.statusCode());
        JsonArray keys = new JsonObject(response.body()).getJsonArray("keys");
        assertTrue(keys.stream().anyMatch(k -> ((JsonObject) k).getString("alg").equals("RS256")), "an RS256 key");
        assertTrue(keys.stream().anyMatch(k -> ((JsonObject) k).getString("alg").equals("ES256")), "an ES256 key");
        for (Object k : keys) {
            JsonObject key = (JsonObject) k;
            String kty = key.getString("alg").equals("RS256") ? "RSA" : "EC";
            assertEquals(kty, key.getString("kty"), key.encode());
            for (String secret : new String[] {"d", "p", "q", "dp", "dq", "qi"}) {
                assertTrue(!key.containsKey(secret), "JWKS carries " + secret);
            }
        }
    }

    private static JsonArray jwks() throws Exception {
        HttpResponse<String> response = get("http://127.0.0.1:" + stack.keyPort + "/.well-known/jwks.json", null);
        return new JsonObject(response.body()).getJsonArray("keys");
    }

    /** The classic key-confusion forgery: HMAC over the token with the RSA public key (PEM) as the secret. */
    private static String hs256WithPublicKey(JsonObject header, String payload) throws Exception {
        JsonObject jwk = jwks().stream()
                .map(JsonObject.class::cast)
                .filter(k -> k.getString("kty").equals("RSA"))
                .findFirst()
                .orElseThrow();
        java.security.spec.RSAPublicKeySpec spec = new java.security.spec.RSAPublicKeySpec(
                new java.math.BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("n"))),
                new java.math.BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("e"))));
        byte[] der =
                java.security.KeyFactory.getInstance("RSA").generatePublic(spec).getEncoded();
        String pem = "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
        String signingInput = encode(header.copy().put("alg", "HS256")) + "." + payload;
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(pem.getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        byte[] signature = mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII));
        return signingInput + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
    }

    private static JsonObject json(String part) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8));
    }

    private static String encode(JsonObject part) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(part.encode().getBytes(StandardCharsets.UTF_8));
    }

    private static JsonObject passwordToken() throws Exception {
        Map<String, String> params = new LinkedHashMap<>();
        params.put("grant_type", "password");
        params.put("client_id", "demo-app");
        params.put("username", "alice");
        params.put("password", "alice-dev-password");
        HttpResponse<String> response = form(authUrl("/oauth2/token"), null, params);
        assertEquals(200, response.statusCode(), response.body());
        return new JsonObject(response.body());
    }

    private static String authUrl(String path) {
        return "http://127.0.0.1:" + stack.authPort + path;
    }

    private static String demoUrl(String path) {
        return "http://127.0.0.1:" + stack.demoPort + path;
    }

    private static String basic(String id, String secret) {
        String pair =
                URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> get(String url, String bearer) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String bearer, String json) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + bearer)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> form(String url, String authorization, Map<String, String> params)
            throws Exception {
        String body = params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
