package io.latchkey.keys.http;

import static io.latchkey.keys.test.TestKeyService.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.sign.SigningService;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code /internal/sign/batch} over real HTTP: the same bounds as {@code /internal/sign}, claim set by claim set. */
class BatchSigningApiTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

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
        await(vertx.close());
    }

    @Test
    void signBatchWhenClaimsInBoundsThenEachTokenVerifiesWithNimbusInOrder() throws Exception {
        JsonArray claims = new JsonArray();
        for (int i = 0; i < 3; i++) {
            claims.add(TestTokens.valid().claim("sub", "user-" + i).request().getJsonObject("claims"));
        }
        HttpResponse<Buffer> response =
                signBatch(new JsonObject().put("typ", "at+jwt").put("claims", claims));
        assertEquals(200, response.statusCode());
        assertEquals("no-store", response.getHeader("Cache-Control"));
        JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
        assertEquals(3, results.size());

        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(
                new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks()))));
        for (int i = 0; i < 3; i++) {
            JsonObject result = results.getJsonObject(i);
            JWTClaimsSet verified = processor.process(result.getString("token"), null);
            assertEquals("user-" + i, verified.getSubject());
            assertEquals(claims.getJsonObject(i).getString("jti"), verified.getJWTID());
            assertEquals(JWKSet.parse(jwks()).getKeys().get(0).getKeyID(), result.getString("kid"));
        }
        String metrics = await(client.get(service.internalPort(), "127.0.0.1", "/metrics")
                        .send())
                .bodyAsString();
        assertTrue(metrics.contains("\nlatchkey_key_service_sign_batches_total "), metrics);
        assertTrue(metrics.contains("\nlatchkey_key_service_sign_batched_claim_sets_total "), metrics);
    }

    @Test
    void signBatchWhenOneClaimSetOutOfBoundsThenOnlyThatOneIsRefused() {
        JsonArray claims = new JsonArray()
                .add(TestTokens.valid().request().getJsonObject("claims"))
                .add(TestTokens.valid()
                        .claim("iss", "https://evil.example")
                        .request()
                        .getJsonObject("claims"))
                .add("not an object")
                .add(TestTokens.valid().request().getJsonObject("claims"));
        HttpResponse<Buffer> response =
                signBatch(new JsonObject().put("typ", "at+jwt").put("claims", claims));
        assertEquals(200, response.statusCode());
        JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
        assertEquals(4, results.size());
        assertEquals(
                new JsonObject().put("error", "invalid_request").put("error_description", "iss must be this issuer"),
                results.getJsonObject(1));
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "claims must be a JSON object"),
                results.getJsonObject(2));
        assertNotEquals(null, results.getJsonObject(0).getString("token"));
        assertNotEquals(null, results.getJsonObject(3).getString("token"));
    }

    @Test
    void signBatchWhenTypWrongOrClaimsNotAnArrayOfOneToMaxThenWholeRequestRejected() {
        JsonObject one = TestTokens.valid().request().getJsonObject("claims");
        JsonArray tooMany = new JsonArray();
        for (int i = 0; i <= SigningService.MAX_BATCH; i++) {
            tooMany.add(one.copy().put("jti", "jti-" + i));
        }
        assertRejected(
                new JsonObject().put("typ", "JWT").put("claims", new JsonArray().add(one)), "typ must be at+jwt");
        String sizes = "claims must be an array of 1 to " + SigningService.MAX_BATCH + " JSON objects";
        assertRejected(new JsonObject().put("typ", "at+jwt").put("claims", one), sizes);
        assertRejected(new JsonObject().put("typ", "at+jwt").put("claims", new JsonArray()), sizes);
        assertRejected(new JsonObject().put("typ", "at+jwt").put("claims", tooMany), sizes);
    }

    @Test
    void signBatchWhenSecretWrongThenUnauthorized() {
        HttpResponse<Buffer> response = await(client.post(service.internalPort(), "127.0.0.1", "/internal/sign/batch")
                .putHeader("Authorization", "Bearer wrong-" + config.internalSecret())
                .sendJsonObject(new JsonObject()
                        .put("typ", "at+jwt")
                        .put(
                                "claims",
                                new JsonArray().add(TestTokens.valid().request().getJsonObject("claims")))));
        assertEquals(401, response.statusCode());
        assertEquals("Bearer error=\"invalid_token\"", response.getHeader("WWW-Authenticate"));
    }

    @Test
    void signBatchWhenBodyOverLimitThenPayloadTooLarge() {
        JsonObject padded = TestTokens.valid()
                .claim("padding", "x".repeat(300 * 1024))
                .request()
                .getJsonObject("claims");
        HttpResponse<Buffer> response =
                signBatch(new JsonObject().put("typ", "at+jwt").put("claims", new JsonArray().add(padded)));
        assertEquals(413, response.statusCode());
        assertEquals(
                new JsonObject().put("error", "invalid_request").put("error_description", "request body too large"),
                response.bodyAsJsonObject());
    }

    private void assertRejected(JsonObject request, String description) {
        HttpResponse<Buffer> response = signBatch(request);
        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject().put("error", "invalid_request").put("error_description", description),
                response.bodyAsJsonObject());
    }

    private HttpResponse<Buffer> signBatch(JsonObject request) {
        return await(client.post(service.internalPort(), "127.0.0.1", "/internal/sign/batch")
                .putHeader("Authorization", "Bearer " + config.internalSecret())
                .sendJsonObject(request));
    }

    private String jwks() {
        return await(client.get(service.publicPort(), "127.0.0.1", "/.well-known/jwks.json")
                        .send())
                .bodyAsString();
    }
}
