package io.latchkey.keys.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One key ring per algorithm on two replicas sharing one database: rotating or revoking in one ring hands signing
 * over on both replicas while the other ring's keys, rows and signatures stay exactly as they were.
 */
class SigningRingsTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static WebClient client;
    private static KeyServiceClient a;
    private static KeyServiceClient b;
    private static String kek;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        TestKeyService builder = TestKeyService.on(db.url()).set("LATCHKEY_KEY_REFRESH_INTERVAL", "500ms");
        KeyServiceConfig configA = builder.build();
        KeyServiceConfig configB = builder.build();
        kek = Base64.getEncoder().encodeToString(configA.kek());
        client = WebClient.create(vertx);
        a = new KeyServiceClient(client, TestKeyService.deploy(vertx, configA), configA);
        b = new KeyServiceClient(client, TestKeyService.deploy(vertx, configB), configB);
        pool = db.pool(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void signWhenEs256ThenP256KeyFromTheJwksVerifiesItsJoseSignatureAndRs256StillDefault() throws Exception {
        JsonObject es = a.sign("ES256");
        SignedJWT token = SignedJWT.parse(es.getString("token"));
        assertEquals(JWSAlgorithm.ES256, token.getHeader().getAlgorithm());
        assertEquals(es.getString("kid"), token.getHeader().getKeyID());
        assertEquals("at+jwt", token.getHeader().getType().toString());
        assertEquals(64, Base64.getUrlDecoder().decode(es.getString("token").split("\\.")[2]).length);
        JWK jwk = jwks(a).getKeyByKeyId(es.getString("kid"));
        assertEquals("ES256", jwk.getAlgorithm().getName());
        assertEquals("sig", jwk.getKeyUse().getValue());
        ECKey ec = jwk.toECKey();
        assertEquals("P-256", ec.getCurve().getName());
        assertEquals(es.getString("kid"), ec.computeThumbprint().toString(), "kid is the RFC 7638 thumbprint");
        assertTrue(token.verify(new ECDSAVerifier(ec)));

        JsonObject rs = a.sign();
        SignedJWT rsToken = SignedJWT.parse(rs.getString("token"));
        assertEquals(JWSAlgorithm.RS256, rsToken.getHeader().getAlgorithm(), "no alg still means RS256");
        RSAKey rsa = jwks(a).getKeyByKeyId(rs.getString("kid")).toRSAKey();
        assertTrue(rsToken.verify(new RSASSAVerifier(rsa)));
        assertEquals(rs.getString("kid"), a.sign("RS256").getString("kid"));
    }

    @Test
    void rotateAndRevokeWhenEs256RingOnTwoReplicasThenRs256KeepsSigningUntouched() {
        rotateAndRevokeLeavesTheOtherRingAlone("ES256", "RS256");
    }

    @Test
    void rotateAndRevokeWhenRs256RingOnTwoReplicasThenEs256KeepsSigningUntouched() {
        rotateAndRevokeLeavesTheOtherRingAlone("RS256", "ES256");
    }

    private void rotateAndRevokeLeavesTheOtherRingAlone(String changed, String untouched) {
        String other = a.sign(untouched).getString("kid");
        assertEquals(other, b.sign(untouched).getString("kid"));
        List<String> otherRows = rows(untouched);
        String active = a.sign(changed).getString("kid");

        // Rotation on replica b, one ring per call: published on both replicas, not yet signing.
        HttpResponse<Buffer> rotated = b.post("/internal/keys/rotate", new JsonObject().put("alg", changed));
        assertEquals(201, rotated.statusCode(), rotated.bodyAsString());
        JsonObject waiting = rotated.bodyAsJsonObject();
        assertEquals(changed, waiting.getString("alg"));
        assertEquals("published", waiting.getString("state"));
        String next = waiting.getString("kid");
        Await.until(
                "both replicas publish the waiting key",
                Duration.ofSeconds(2),
                () -> a.jwksKidSet().contains(next) && b.jwksKidSet().contains(next));
        assertEquals(active, a.sign(changed).getString("kid"), "the waiting key does not sign before its time");

        // Emergency revocation on replica a: the waiting key signs at once, on both replicas.
        HttpResponse<Buffer> revoked = a.post("/internal/keys/" + active + "/revoke");
        assertEquals(200, revoked.statusCode());
        assertEquals(next, revoked.bodyAsJsonObject().getString("successor_kid"));
        assertEquals(next, a.sign(changed).getString("kid"));
        Await.until(
                "the other replica signs with the successor and drops the revoked key",
                Duration.ofSeconds(1),
                () -> b.sign(changed).getString("kid").equals(next)
                        && !b.jwksKidSet().contains(active));

        // Revoking the successor with nothing waiting: a fresh key of the same ring signs at once.
        HttpResponse<Buffer> again = b.post("/internal/keys/" + next + "/revoke");
        assertEquals(200, again.statusCode());
        String fresh = again.bodyAsJsonObject().getString("successor_kid");
        assertNotEquals(next, fresh);
        assertEquals(changed, algorithmOf(fresh));
        assertEquals(fresh, b.sign(changed).getString("kid"));
        Await.until("the first replica signs with the fresh key", Duration.ofSeconds(1), () -> a.sign(changed)
                .getString("kid")
                .equals(fresh));

        // The other ring: same key signing on both replicas, its rows unchanged, still in both JWKS.
        assertEquals(other, a.sign(untouched).getString("kid"));
        assertEquals(other, b.sign(untouched).getString("kid"));
        assertEquals(otherRows, rows(untouched));
        assertTrue(a.jwksKidSet().contains(other) && b.jwksKidSet().contains(other));
    }

    @Test
    void signWhenAlgNotConfiguredOrNotAStringThenInvalidRequestNamingTheChoicesOnly() {
        for (Object alg : List.of("HS256", "none", "es256", "EdDSA", 256, new JsonObject())) {
            JsonObject request = a.validRequest().put("alg", alg);
            HttpResponse<Buffer> response = Await.result(a.signAsync(request));
            assertEquals(400, response.statusCode(), String.valueOf(alg));
            assertEquals(
                    new JsonObject()
                            .put("error", "invalid_request")
                            .put("error_description", "alg must be one of RS256, ES256"),
                    response.bodyAsJsonObject());
        }
        HttpResponse<Buffer> rotate = a.post("/internal/keys/rotate", new JsonObject().put("alg", "PS256"));
        assertEquals(400, rotate.statusCode());
        assertEquals("invalid_request", rotate.bodyAsJsonObject().getString("error"));
    }

    @Test
    void signBatchWhenEs256ThenEveryTokenSignedByTheEs256Key() throws Exception {
        String kid = a.sign("ES256").getString("kid");
        JsonArray claims = new JsonArray()
                .add(a.validRequest().getJsonObject("claims"))
                .add(a.validRequest().getJsonObject("claims"));
        HttpResponse<Buffer> response = Await.result(a.signBatchAsync(
                new JsonObject().put("typ", "at+jwt").put("alg", "ES256").put("claims", claims)));
        assertEquals(200, response.statusCode());
        ECKey ec = jwks(a).getKeyByKeyId(kid).toECKey();
        for (Object result : response.bodyAsJsonObject().getJsonArray("results")) {
            JsonObject signed = (JsonObject) result;
            assertEquals(kid, signed.getString("kid"));
            assertTrue(SignedJWT.parse(signed.getString("token")).verify(new ECDSAVerifier(ec)));
        }
    }

    @Test
    void keysWhenListedThenEachCarriesItsAlg() {
        JsonArray keys = a.keys().getJsonArray("keys");
        List<String> algs = keys.stream()
                .map(k -> ((JsonObject) k).getString("alg"))
                .distinct()
                .sorted()
                .toList();
        assertEquals(List.of("ES256", "RS256"), algs);
        for (Object key : keys) {
            JsonObject json = (JsonObject) key;
            assertEquals(json.getString("alg").equals("ES256") ? 256 : 2048, json.getInteger("key_size"));
        }
    }

    @Test
    void startWhenOnlyRs256ConfiguredThenEs256RefusedAndItsJwksListsRsaKeysOnly() {
        KeyServiceConfig config = TestKeyService.on(db.url())
                .kek(kek)
                .set("LATCHKEY_SIGNING_ALGS", "RS256")
                .build();
        KeyServiceClient rsOnly = new KeyServiceClient(client, TestKeyService.deploy(vertx, config), config);
        assertEquals(a.sign().getString("kid"), rsOnly.sign().getString("kid"));
        HttpResponse<Buffer> refused =
                Await.result(rsOnly.signAsync(rsOnly.validRequest().put("alg", "ES256")));
        assertEquals(400, refused.statusCode());
        assertEquals("alg must be one of RS256", refused.bodyAsJsonObject().getString("error_description"));
        for (Object key : rsOnly.jwksResponse().bodyAsJsonObject().getJsonArray("keys")) {
            assertEquals("RSA", ((JsonObject) key).getString("kty"));
        }
    }

    private static JWKSet jwks(KeyServiceClient replica) throws Exception {
        return JWKSet.parse(replica.jwksResponse().bodyAsString());
    }

    /** The ring's rows as text: every time that decides a key's life. */
    private static List<String> rows(String alg) {
        List<String> rows = new ArrayList<>();
        Await.result(pool.preparedQuery(
                                "SELECT kid, publish_at, activate_at, retired_at, remove_at, revoked_at FROM signing_keys"
                                        + " WHERE algorithm = $1 ORDER BY kid")
                        .execute(Tuple.of(alg)))
                .forEach(row -> rows.add(row.toJson().encode()));
        return rows;
    }

    private static String algorithmOf(String kid) {
        return Await.result(pool.preparedQuery("SELECT algorithm FROM signing_keys WHERE kid = $1")
                        .execute(Tuple.of(kid)))
                .iterator()
                .next()
                .getString("algorithm");
    }
}
