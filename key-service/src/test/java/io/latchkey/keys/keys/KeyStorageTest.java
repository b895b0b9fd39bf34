package io.latchkey.keys.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.StartException;
import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.KeyServiceVerticle;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import java.security.KeyFactory;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Keys at rest: sealed under the KEK, public parameters only in the clear, and a wrong KEK stops the start. */
class KeyStorageTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static final String KEK = TestKeyService.randomKek();

    private static Vertx vertx;
    private static Pool pool;
    private static KeyServiceClient service;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        KeyServiceConfig config = TestKeyService.on(db.url()).kek(KEK).build();
        service = new KeyServiceClient(WebClient.create(vertx), TestKeyService.deploy(vertx, config), config);
        pool = db.pool(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void storeWhenKeyGeneratedThenDatabaseHoldsOnlyPublicParametersAndSealedPrivateKey() throws Exception {
        String kid = service.sign().getString("kid");
        Row row = Await.result(pool.preparedQuery(
                                "SELECT public_jwk, sealed_private_key, kek_fingerprint FROM signing_keys WHERE kid = $1")
                        .execute(io.vertx.sqlclient.Tuple.of(kid)))
                .iterator()
                .next();
        JsonObject publicJwk = (JsonObject) row.getValue("public_jwk");
        assertEquals(Set.of("kty", "n", "e"), publicJwk.fieldNames());
        KeySealer sealer = new KeySealer(Base64.getDecoder().decode(KEK));
        assertEquals(sealer.fingerprint(), row.getString("kek_fingerprint"));

        byte[] stored = row.getBuffer("sealed_private_key").getBytes();
        byte[] pkcs8 = sealer.open(kid, stored);
        RSAPrivateCrtKey privateKey =
                (RSAPrivateCrtKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        for (byte[] secret : List.of(
                pkcs8,
                privateKey.getPrivateExponent().toByteArray(),
                privateKey.getPrimeP().toByteArray(),
                privateKey.getPrimeQ().toByteArray())) {
            assertFalse(contains(stored, window(secret)), "a private parameter is stored in clear");
        }
        assertThrows(
                Exception.class, () -> KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(stored)));
        assertThrows(Exception.class, () -> sealer.open("another-kid", stored), "the kid is bound to the seal");
    }

    @Test
    void startWhenKekDiffersFromTheOneThatSealedTheKeysThenStopsWithClearErrorAndGeneratesNothing() {
        service.sign();
        long before = count();
        KeyServiceConfig other = TestKeyService.on(db.url()).build();
        StartException failure = assertInstanceOf(
                StartException.class, Await.failure(vertx.deployVerticle(new KeyServiceVerticle(other))));
        assertTrue(
                failure.getMessage().startsWith("LATCHKEY_KEK: the stored signing keys were sealed under another KEK"),
                failure.getMessage());
        assertTrue(failure.getMessage().endsWith("No key was generated."), failure.getMessage());
        assertFalse(failure.getMessage().contains(KEK));
        assertEquals(before, count());
    }

    @Test
    void startWhenRestartedWithTheSameKekThenSignsWithTheStoredKey() {
        String kid = service.sign().getString("kid");
        long before = count();
        KeyServiceConfig again = TestKeyService.on(db.url()).kek(KEK).build();
        KeyServiceVerticle restarted = TestKeyService.deploy(vertx, again);
        KeyServiceClient client = new KeyServiceClient(WebClient.create(vertx), restarted, again);
        assertEquals(kid, client.sign().getString("kid"));
        assertEquals(before, count());
        Await.result(vertx.undeploy(restarted.deploymentID()));
    }

    private long count() {
        return rows("SELECT count(*) AS n FROM signing_keys").get(0).getLong("n");
    }

    private List<Row> rows(String sql) {
        List<Row> rows = new ArrayList<>();
        Await.result(pool.query(sql).execute()).forEach(rows::add);
        return rows;
    }

    /** 16 bytes from the middle of a secret: enough to be unique, short enough to find any partial copy. */
    private static byte[] window(byte[] secret) {
        int start = secret.length / 2 - 8;
        return java.util.Arrays.copyOfRange(secret, start, start + 16);
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
