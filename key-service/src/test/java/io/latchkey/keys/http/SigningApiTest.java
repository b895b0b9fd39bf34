package io.latchkey.keys.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.sign.SigningService;
import io.latchkey.keys.test.SignRefusals;
import io.latchkey.keys.test.SignRefusals.Refusal;
import io.latchkey.keys.test.TestKeyService;
import io.latchkey.keys.test.TestTokens;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code /internal/sign}, its batch form {@code /internal/sign/batch} (the same bounds, claim set by claim set) and
 * the JWKS over real HTTP, checked with an independent JOSE library (Nimbus): access tokens ({@code at+jwt}), ID
 * tokens ({@code JWT}) and logout tokens ({@code logout+jwt}), each refused bound from {@link SignRefusals}.
 */
class SigningApiTest {
    private static final String UNKNOWN_TYP = "typ must be at+jwt, JWT or logout+jwt";

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
        Await.result(vertx.close());
    }

    @Test
    void signWhenClaimsInBoundsThenTokenVerifiesAgainstPublishedJwksWithNimbus() throws Exception {
        JsonObject request = TestTokens.valid().request();
        HttpResponse<Buffer> signed = sign(request, config.internalSecret());
        assertEquals(200, signed.statusCode());
        JsonObject body = signed.bodyAsJsonObject();
        String token = body.getString("token");
        String kid = body.getString("kid");

        JWKSet jwks = JWKSet.parse(jwks().bodyAsString());
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(new JOSEObjectType("at+jwt")));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, new ImmutableJWKSet<>(jwks)));
        JWTClaimsSet claims = processor.process(token, null);

        SignedJWT parsed = SignedJWT.parse(token);
        assertEquals(kid, parsed.getHeader().getKeyID());
        assertEquals(JWSAlgorithm.RS256, parsed.getHeader().getAlgorithm());
        assertEquals(
                Set.of("alg", "typ", "kid"), parsed.getHeader().toJSONObject().keySet());
        JsonObject sent = request.getJsonObject("claims");
        assertEquals(sent.getString("jti"), claims.getJWTID());
        assertEquals(sent.getString("sub"), claims.getSubject());
        assertEquals(TestKeyService.ISSUER, claims.getIssuer());
        assertEquals(sent.getLong("exp"), claims.getExpirationTime().toInstant().getEpochSecond());
        assertEquals(kid, jwks.getKeys().get(0).getKeyID());
        assertEquals(kid, jwks.getKeys().get(0).computeThumbprint().toString());
    }

    @Test
    void jwksWhenFetchedThenHoldsPublicParametersOnlyWithCacheHeaders() {
        HttpResponse<Buffer> response = jwks();
        assertEquals(200, response.statusCode());
        assertEquals("public, max-age=300", response.getHeader("Cache-Control"));
        assertEquals("application/json", response.getHeader("Content-Type"));
        assertNotNull(response.getHeader("ETag"));
        JsonObject key = response.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0);
        assertEquals(Set.of("kty", "n", "e", "kid", "alg", "use"), key.fieldNames());
        assertEquals("RSA", key.getString("kty"));
        assertEquals("RS256", key.getString("alg"));
        assertEquals("sig", key.getString("use"));
    }

    @Test
    void jwksWhenIfNoneMatchEqualsEtagThenNotModified() {
        String etag = jwks().getHeader("ETag");
        HttpResponse<Buffer> response =
                Await.result(client.get(service.publicPort(), "127.0.0.1", "/.well-known/jwks.json")
                        .putHeader("If-None-Match", etag)
                        .send());
        assertEquals(304, response.statusCode());
        assertEquals(etag, response.getHeader("ETag"));
        assertEquals("public, max-age=300", response.getHeader("Cache-Control"));
    }

    @Test
    void jwksWhenAskedWithHeadThenGetsHeadersWithoutContent() {
        HttpResponse<Buffer> get = jwks();
        HttpResponse<Buffer> head =
                Await.result(client.head(service.publicPort(), "127.0.0.1", "/.well-known/jwks.json")
                        .send());
        assertEquals(200, head.statusCode());
        assertEquals(get.getHeader("ETag"), head.getHeader("ETag"));
        assertEquals(get.getHeader("Cache-Control"), head.getHeader("Cache-Control"));
        assertNull(head.body());
    }

    @Test
    void signWhenExpBeyondAccessTokenLifetimeThenRejected() {
        long now = Instant.now().getEpochSecond();
        assertRejected(
                TestTokens.valid().claim("exp", now + 301 + 5).request(),
                "exp must be at most the access-token lifetime from now");
    }

    @Test
    void signWhenIssuerIsForeignThenRejected() {
        assertRejected(TestTokens.valid().claim("iss", "https://evil.example").request(), "iss must be this issuer");
    }

    @Test
    void signWhenJtiMissingThenRejected() {
        assertRejected(TestTokens.valid().without("jti").request(), "jti is required");
    }

    @Test
    void signWhenIatTooFarFromNowThenRejected() {
        long now = Instant.now().getEpochSecond();
        assertRejected(TestTokens.valid().claim("iat", now - 120).request(), "iat must be within 60 seconds of now");
        assertRejected(
                TestTokens.valid()
                        .claim("iat", now + 120)
                        .claim("exp", now + 200)
                        .request(),
                "iat must be within 60 seconds of now");
    }

    @Test
    void signWhenTypUnknownThenRejected() {
        for (String typ : new String[] {"jwt", "id+jwt", "application/at+jwt", "LOGOUT+JWT"}) {
            assertRejected(TestTokens.valid().typ(typ).request(), UNKNOWN_TYP);
        }
        assertRejected(TestTokens.valid().request().put("typ", 42), UNKNOWN_TYP);
        JsonObject noTyp = TestTokens.valid().request();
        noTyp.remove("typ");
        assertRejected(noTyp, UNKNOWN_TYP);
    }

    @Test
    void signWhenBodyIsNotJsonThenRejected() {
        HttpResponse<Buffer> response = Await.result(
                internalPost("/internal/sign", config.internalSecret()).sendBuffer(Buffer.buffer("{not json")));
        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject()
                        .put("error", "invalid_request")
                        .put("error_description", "the body must be a JSON object"),
                response.bodyAsJsonObject());
    }

    @Test
    void signWhenBodyOverSixteenKibThenPayloadTooLarge() {
        JsonObject request =
                TestTokens.valid().claim("padding", "x".repeat(17 * 1024)).request();
        HttpResponse<Buffer> response = sign(request, config.internalSecret());
        assertEquals(413, response.statusCode());
        assertEquals(
                new JsonObject().put("error", "invalid_request").put("error_description", "request body too large"),
                response.bodyAsJsonObject());
    }

    @Test
    void signWhenSecretMissingOrWrongThenUnauthorizedAndNothingSigned() {
        for (String secret : new String[] {null, "wrong-" + config.internalSecret(), ""}) {
            HttpResponse<Buffer> response = sign(TestTokens.valid().request(), secret);
            assertEquals(401, response.statusCode());
            assertEquals("Bearer error=\"invalid_token\"", response.getHeader("WWW-Authenticate"));
            assertEquals(
                    new JsonObject()
                            .put("error", "invalid_token")
                            .put("error_description", "missing or wrong internal secret"),
                    response.bodyAsJsonObject());
        }
    }

    @Test
    void signWhenSentToPublicPortThenNotFound() {
        HttpResponse<Buffer> response = Await.result(client.post(service.publicPort(), "127.0.0.1", "/internal/sign")
                .putHeader("Authorization", "Bearer " + config.internalSecret())
                .sendJsonObject(TestTokens.valid().request()));
        assertEquals(404, response.statusCode());
        assertFalse(
                response.bodyAsString() == null
                        ? false
                        : response.bodyAsString().contains("token\""));
    }

    @Test
    void internalKeysWhenListedThenShowStatesAndTimesButNoKeyMaterial() {
        HttpResponse<Buffer> response = Await.result(client.get(service.internalPort(), "127.0.0.1", "/internal/keys")
                .putHeader("Authorization", "Bearer " + config.internalSecret())
                .send());
        assertEquals(200, response.statusCode());
        JsonObject key = response.bodyAsJsonObject().getJsonArray("keys").getJsonObject(0);
        assertEquals(
                Set.of(
                        "kid",
                        "alg",
                        "state",
                        "key_size",
                        "publish_at",
                        "activate_at",
                        "retired_at",
                        "remove_at",
                        "revoked_at"),
                key.fieldNames());
        assertEquals("active", key.getString("state"));
        for (String privateParameter : new String[] {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""}) {
            assertFalse(response.bodyAsString().contains(privateParameter), privateParameter);
            assertFalse(jwks().bodyAsString().contains(privateParameter), privateParameter);
        }
        assertTrue(key.getLong("activate_at") <= Instant.now().getEpochSecond());
    }

    @Test
    void metricsWhenTokensSignedAndRejectedThenCountedAndNoKeyNamed() {
        String kid = sign(TestTokens.valid().request(), config.internalSecret())
                .bodyAsJsonObject()
                .getString("kid");
        sign(TestTokens.valid().typ("JWT").request(), config.internalSecret());
        HttpResponse<Buffer> response = Await.result(
                client.get(service.managementPort(), "127.0.0.1", "/metrics").send());
        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.getHeader("Content-Type"));
        String text = response.bodyAsString();
        assertTrue(counter(text, "latchkey_key_service_sign_requests_total{outcome=\"signed\"}") >= 1, text);
        assertTrue(counter(text, "latchkey_key_service_sign_requests_total{outcome=\"rejected\"}") >= 1, text);
        assertTrue(text.contains("\nlatchkey_key_service_native_signing "), text);
        assertFalse(text.contains(kid));
        for (int port : new int[] {service.publicPort(), service.internalPort()}) {
            assertEquals(
                    404,
                    Await.result(client.get(port, "127.0.0.1", "/metrics").send())
                            .statusCode());
        }
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
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks().bodyAsString()))));
        for (int i = 0; i < 3; i++) {
            JsonObject result = results.getJsonObject(i);
            JWTClaimsSet verified = processor.process(result.getString("token"), null);
            assertEquals("user-" + i, verified.getSubject());
            assertEquals(claims.getJsonObject(i).getString("jti"), verified.getJWTID());
            assertEquals(JWKSet.parse(jwks().bodyAsString()).getKeys().get(0).getKeyID(), result.getString("kid"));
        }
        String metrics = Await.result(client.get(service.managementPort(), "127.0.0.1", "/metrics")
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
        assertBatchRejected(new JsonObject().put("typ", "id+jwt").put("claims", new JsonArray().add(one)), UNKNOWN_TYP);
        String sizes = "claims must be an array of 1 to " + SigningService.MAX_BATCH + " JSON objects";
        assertBatchRejected(new JsonObject().put("typ", "at+jwt").put("claims", one), sizes);
        assertBatchRejected(new JsonObject().put("typ", "at+jwt").put("claims", new JsonArray()), sizes);
        assertBatchRejected(new JsonObject().put("typ", "at+jwt").put("claims", tooMany), sizes);
    }

    @Test
    void signBatchWhenSecretWrongThenUnauthorized() {
        HttpResponse<Buffer> response = Await.result(client.post(
                        service.internalPort(), "127.0.0.1", "/internal/sign/batch")
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

    @Test
    void signIdTokenWhenClaimsInBoundsThenVerifiesWithNimbusUnderTypJwt() throws Exception {
        JsonObject request = TestTokens.idToken().request();
        HttpResponse<Buffer> response = sign(request, config.internalSecret());
        assertEquals(200, response.statusCode());
        String token = response.bodyAsJsonObject().getString("token");

        JWTClaimsSet verified = processor(JOSEObjectType.JWT).process(token, null);
        assertHeader(token, "JWT", response.bodyAsJsonObject().getString("kid"));
        assertEquals(request.getJsonObject("claims"), TestTokens.claimsOf(token));
        JsonObject sent = request.getJsonObject("claims");
        assertEquals(sent.getString("sub"), verified.getSubject());
        assertEquals(List.of("demo-app"), verified.getAudience());
        assertEquals(sent.getString("nonce"), verified.getStringClaim("nonce"));
        assertEquals(sent.getString("at_hash"), verified.getStringClaim("at_hash"));
        assertEquals(sent.getLong("auth_time"), verified.getLongClaim("auth_time"));
        assertEquals(Boolean.TRUE, verified.getBooleanClaim("email_verified"));
    }

    @Test
    void signIdTokenWhenOnlyTheRequiredClaimsThenSigned() throws Exception {
        TestTokens minimal = TestTokens.idToken();
        for (String optional : new String[] {
            "azp",
            "auth_time",
            "nonce",
            "sid",
            "at_hash",
            "jti",
            "name",
            "preferred_username",
            "email",
            "email_verified"
        }) {
            minimal.without(optional);
        }
        HttpResponse<Buffer> response = sign(minimal.request(), config.internalSecret());
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JWTClaimsSet verified = processor(JOSEObjectType.JWT)
                .process(response.bodyAsJsonObject().getString("token"), null);
        assertEquals(
                Set.of("iss", "sub", "aud", "iat", "exp"), verified.getClaims().keySet());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.latchkey.keys.test.SignRefusals#idToken")
    void signIdTokenWhenABoundIsBrokenThenRefusedNamingTheRule(Refusal refusal) {
        assertRejected(refusal.request(), refusal.description());
    }

    @Test
    void signLogoutTokenWhenClaimsInBoundsThenVerifiesWithNimbusUnderTypLogoutJwt() throws Exception {
        for (TestTokens logout : List.of(
                TestTokens.logoutToken(),
                TestTokens.logoutToken().without("sub"),
                TestTokens.logoutToken().without("sid"))) {
            JsonObject request = logout.request();
            HttpResponse<Buffer> response = sign(request, config.internalSecret());
            assertEquals(200, response.statusCode(), response.bodyAsString());
            String token = response.bodyAsJsonObject().getString("token");

            JWTClaimsSet verified = processor(new JOSEObjectType("logout+jwt")).process(token, null);
            assertHeader(token, "logout+jwt", response.bodyAsJsonObject().getString("kid"));
            assertEquals(request.getJsonObject("claims"), TestTokens.claimsOf(token));
            assertEquals(Map.of(TestTokens.BACKCHANNEL_LOGOUT, Map.of()), verified.getJSONObjectClaim("events"));
            assertEquals(List.of("demo-app"), verified.getAudience());
            assertEquals(request.getJsonObject("claims").getString("jti"), verified.getJWTID());
            assertNull(verified.getClaim("nonce"));
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.latchkey.keys.test.SignRefusals#logoutToken")
    void signLogoutTokenWhenABoundIsBrokenThenRefusedNamingTheRule(Refusal refusal) {
        assertRejected(refusal.request(), refusal.description());
    }

    @Test
    void signWhenTokenOfOneTypThenAVerifierExpectingAnotherTypRefusesIt() {
        String access = sign(TestTokens.valid().request(), config.internalSecret())
                .bodyAsJsonObject()
                .getString("token");
        String id = sign(TestTokens.idToken().request(), config.internalSecret())
                .bodyAsJsonObject()
                .getString("token");
        String logout = sign(TestTokens.logoutToken().request(), config.internalSecret())
                .bodyAsJsonObject()
                .getString("token");
        JOSEObjectType atJwt = new JOSEObjectType("at+jwt");
        JOSEObjectType logoutJwt = new JOSEObjectType("logout+jwt");
        assertThrows(BadJOSEException.class, () -> processor(atJwt).process(id, null));
        assertThrows(BadJOSEException.class, () -> processor(atJwt).process(logout, null));
        assertThrows(BadJOSEException.class, () -> processor(JOSEObjectType.JWT).process(access, null));
        assertThrows(BadJOSEException.class, () -> processor(JOSEObjectType.JWT).process(logout, null));
        assertThrows(BadJOSEException.class, () -> processor(logoutJwt).process(access, null));
        assertThrows(BadJOSEException.class, () -> processor(logoutJwt).process(id, null));
    }

    @Test
    void signBatchOfIdTokensWhenSomeBreakBoundsThenEachRefusedInPlaceAndTheOthersVerify() throws Exception {
        assertBatchRefusesInPlace(TestTokens.idToken(), SignRefusals.idToken(), JOSEObjectType.JWT);
    }

    @Test
    void signBatchOfLogoutTokensWhenSomeBreakBoundsThenEachRefusedInPlaceAndTheOthersVerify() throws Exception {
        assertBatchRefusesInPlace(
                TestTokens.logoutToken(), SignRefusals.logoutToken(), new JOSEObjectType("logout+jwt"));
    }

    /**
     * Sends {@code valid}, every refusal, and {@code valid} again as one batch of {@code valid}'s typ: the two
     * valid ones verify under {@code typ}, each refusal earns its own error in its place.
     */
    private void assertBatchRefusesInPlace(TestTokens valid, List<Refusal> refusals, JOSEObjectType typ)
            throws Exception {
        JsonObject first = valid.request();
        JsonArray claims = new JsonArray().add(first.getJsonObject("claims"));
        refusals.forEach(refusal -> claims.add(refusal.claims()));
        claims.add(valid.claim("jti", UUID.randomUUID().toString()).request().getJsonObject("claims"));
        assertTrue(claims.size() <= SigningService.MAX_BATCH, "one batch");

        HttpResponse<Buffer> response =
                signBatch(new JsonObject().put("typ", first.getString("typ")).put("claims", claims));
        assertEquals(200, response.statusCode(), response.bodyAsString());
        JsonArray results = response.bodyAsJsonObject().getJsonArray("results");
        assertEquals(claims.size(), results.size());
        for (int i = 0; i < refusals.size(); i++) {
            assertEquals(
                    new JsonObject()
                            .put("error", "invalid_request")
                            .put("error_description", refusals.get(i).description()),
                    results.getJsonObject(i + 1),
                    refusals.get(i).rule());
        }
        for (int i : new int[] {0, claims.size() - 1}) {
            String token = results.getJsonObject(i).getString("token");
            processor(typ).process(token, null);
            assertHeader(token, typ.getType(), results.getJsonObject(i).getString("kid"));
            assertEquals(claims.getJsonObject(i), TestTokens.claimsOf(token));
        }
    }

    /** A Nimbus processor that accepts only {@code typ} and RS256 signatures by a key in the published JWKS. */
    private DefaultJWTProcessor<SecurityContext> processor(JOSEObjectType typ) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(typ));
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(
                JWSAlgorithm.RS256, new ImmutableJWKSet<>(JWKSet.parse(jwks().bodyAsString()))));
        return processor;
    }

    /** The header is exactly {@code {"alg":"RS256","typ":typ,"kid":kid}}. */
    private static void assertHeader(String token, String typ, String kid) throws Exception {
        JWSHeader header = SignedJWT.parse(token).getHeader();
        assertEquals(Set.of("alg", "typ", "kid"), header.toJSONObject().keySet());
        assertEquals(JWSAlgorithm.RS256, header.getAlgorithm());
        assertEquals(typ, header.getType().getType());
        assertEquals(kid, header.getKeyID());
    }

    private void assertBatchRejected(JsonObject request, String description) {
        HttpResponse<Buffer> response = signBatch(request);
        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject().put("error", "invalid_request").put("error_description", description),
                response.bodyAsJsonObject());
    }

    private HttpResponse<Buffer> signBatch(JsonObject request) {
        return Await.result(client.post(service.internalPort(), "127.0.0.1", "/internal/sign/batch")
                .putHeader("Authorization", "Bearer " + config.internalSecret())
                .sendJsonObject(request));
    }

    private static long counter(String text, String series) {
        return text.lines()
                .filter(line -> line.startsWith(series + " "))
                .mapToLong(line -> Long.parseLong(line.substring(series.length() + 1)))
                .findFirst()
                .orElse(-1);
    }

    private void assertRejected(JsonObject request, String description) {
        HttpResponse<Buffer> response = sign(request, config.internalSecret());
        assertEquals(400, response.statusCode());
        assertEquals(
                new JsonObject().put("error", "invalid_request").put("error_description", description),
                response.bodyAsJsonObject());
    }

    private HttpResponse<Buffer> sign(JsonObject request, String secret) {
        var post = client.post(service.internalPort(), "127.0.0.1", "/internal/sign");
        if (secret != null) {
            post.putHeader("Authorization", "Bearer " + secret);
        }
        return Await.result(post.sendJsonObject(request));
    }

    private io.vertx.ext.web.client.HttpRequest<Buffer> internalPost(String path, String secret) {
        return client.post(service.internalPort(), "127.0.0.1", path).putHeader("Authorization", "Bearer " + secret);
    }

    private HttpResponse<Buffer> jwks() {
        return Await.result(client.get(service.publicPort(), "127.0.0.1", "/.well-known/jwks.json")
                .send());
    }
}
