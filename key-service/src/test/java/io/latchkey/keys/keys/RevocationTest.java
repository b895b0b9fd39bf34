package io.latchkey.keys.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.config.KeyServiceConfig;
import io.latchkey.keys.test.KeyServiceClient;
import io.latchkey.keys.test.TestKeyService;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rotation on request and emergency revocation on two replicas sharing one database. */
class RevocationTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;
    private static Pool pool;
    private static KeyServiceClient a;
    private static KeyServiceClient b;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
        TestKeyService builder = TestKeyService.on(db.url()).set("LATCHKEY_KEY_REFRESH_INTERVAL", "500ms");
        KeyServiceConfig configA = builder.build();
        KeyServiceConfig configB = builder.build();
        WebClient client = WebClient.create(vertx);
        a = new KeyServiceClient(client, TestKeyService.deploy(vertx, configA), configA);
        b = new KeyServiceClient(client, TestKeyService.deploy(vertx, configB), configB);
        pool = db.pool(vertx);
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    @Test
    void revokeWhenActiveKeyAndNoneWaitingThenFreshKeySignsAtOnceOnBothReplicasAndKidIsListed() {
        String revoked = a.sign().getString("kid");
        long before = Instant.now().getEpochSecond();

        HttpResponse<Buffer> response = a.post("/internal/keys/" + revoked + "/revoke");
        assertEquals(200, response.statusCode());
        JsonObject body = response.bodyAsJsonObject();
        String successor = body.getString("successor_kid");
        assertEquals(
                new JsonObject()
                        .put("kid", revoked)
                        .put("state", "revoked")
                        .put("already_revoked", false)
                        .put("successor_kid", successor),
                body);

        assertFalse(a.jwksKidSet().contains(revoked), "gone from the revoking replica's JWKS at once");
        assertEquals(successor, a.sign().getString("kid"), "the revoking replica signs with the successor at once");
        Await.until(
                "the other replica drops the revoked key",
                Duration.ofSeconds(1),
                () -> !b.jwksKidSet().contains(revoked)
                        && b.sign().getString("kid").equals(successor));
        assertTrue(a.jwksKidSet().contains(successor));

        Row entry = single("SELECT type, value, not_before, expires_at FROM revocations WHERE value = $1", revoked);
        assertEquals("kid", entry.getString("type"));
        assertEquals(null, entry.getValue("not_before"));
        long thirtyDays = Duration.ofDays(30).toSeconds();
        long expiresAt = entry.getLong("expires_at");
        assertTrue(
                expiresAt >= before + thirtyDays && expiresAt <= Instant.now().getEpochSecond() + thirtyDays);

        HttpResponse<Buffer> again = b.post("/internal/keys/" + revoked + "/revoke");
        assertEquals(200, again.statusCode());
        assertEquals(
                new JsonObject().put("kid", revoked).put("state", "revoked").put("already_revoked", true),
                again.bodyAsJsonObject());
        assertEquals(
                1,
                single("SELECT count(*) AS n FROM revocations WHERE value = $1", revoked)
                        .getLong("n"));
    }

    @Test
    void revokeWhenAKeyIsPublishedAndWaitingThenThatKeySignsAtOnce() {
        String active = a.sign().getString("kid");
        HttpResponse<Buffer> rotated = a.post("/internal/keys/rotate");
        assertEquals(201, rotated.statusCode());
        JsonObject waiting = rotated.bodyAsJsonObject();
        assertEquals("published", waiting.getString("state"));
        String next = waiting.getString("kid");
        Await.until("both replicas publish the waiting key", Duration.ofSeconds(1), () -> b.jwksKidSet()
                .contains(next));
        assertEquals(active, b.sign().getString("kid"), "the waiting key does not sign before its time");

        HttpResponse<Buffer> response = b.post("/internal/keys/" + active + "/revoke");
        assertEquals(200, response.statusCode());
        assertEquals(next, response.bodyAsJsonObject().getString("successor_kid"));
        assertEquals(next, b.sign().getString("kid"));
        Await.until("the other replica signs with the waiting key", Duration.ofSeconds(1), () -> a.sign()
                .getString("kid")
                .equals(next));
        assertEquals(
                List.of(next),
                a.jwksKids("RS256").stream().filter(k -> !k.equals(active)).toList());
    }

    @Test
    void rotateWhenRequestedOnOneReplicaThenExactlyOneNewKeyAndBothPublishTheSameJwks() {
        String active = a.sign().getString("kid");
        long before = count();
        HttpResponse<Buffer> rotated = b.post("/internal/keys/rotate");
        assertEquals(201, rotated.statusCode());
        String next = rotated.bodyAsJsonObject().getString("kid");
        Await.until("both replicas publish the same JWKS", Duration.ofSeconds(1), () -> {
            HttpResponse<Buffer> fromA = a.jwksResponse();
            HttpResponse<Buffer> fromB = b.jwksResponse();
            return fromA.bodyAsString().equals(fromB.bodyAsString())
                    && fromA.getHeader("ETag").equals(fromB.getHeader("ETag"))
                    && a.jwksKidSet().contains(next);
        });
        assertEquals(before + 1, count());
        assertEquals(active, a.sign().getString("kid"));
        assertEquals(active, b.sign().getString("kid"));

        // A revoked key that was only published leaves the JWKS; the active key keeps signing and stays listed.
        assertEquals(200, a.post("/internal/keys/" + next + "/revoke").statusCode());
        assertFalse(a.jwksKidSet().contains(next));
        assertTrue(a.jwksKidSet().contains(active));
        assertEquals(active, a.sign().getString("kid"));
        JsonObject activeRow = a.keys().getJsonArray("keys").stream()
                .map(JsonObject.class::cast)
                .filter(k -> k.getString("kid").equals(active))
                .findFirst()
                .orElseThrow();
        assertEquals("active", activeRow.getString("state"));
        assertEquals(null, activeRow.getValue("retired_at"));
        assertEquals(null, activeRow.getValue("remove_at"));
    }

    @Test
    void startWhenTwoReplicasRunInOneProcessThenEachHasItsOwnInternalPort() {
        assertNotEquals(a.internalPort(), b.internalPort());
    }

    @Test
    void revokeWhenKidUnknownThenNotFoundAndNothingChanges() {
        long before = count();
        String unknown = "A".repeat(43);
        HttpResponse<Buffer> response = a.post("/internal/keys/" + unknown + "/revoke");
        assertEquals(404, response.statusCode());
        assertEquals(
                new JsonObject().put("error", "not_found").put("error_description", "no such key"),
                response.bodyAsJsonObject());
        assertEquals(before, count());
        assertEquals(
                0,
                single("SELECT count(*) AS n FROM revocations WHERE value = $1", unknown)
                        .getLong("n"));
    }

    @Test
    void revokeWhenSecretMissingThenUnauthorizedAndKeyStillSigns() {
        String active = a.sign().getString("kid");
        HttpResponse<Buffer> response = Await.result(WebClient.create(vertx)
                .post(a.internalPort(), "127.0.0.1", "/internal/keys/" + active + "/revoke")
                .send());
        assertEquals(401, response.statusCode());
        assertEquals(active, a.sign().getString("kid"));
        assertNotEquals(null, single("SELECT kid FROM signing_keys WHERE kid = $1 AND revoked_at IS NULL", active));
    }

    private long count() {
        return Await.result(pool.query("SELECT count(*) AS n FROM signing_keys").execute())
                .iterator()
                .next()
                .getLong("n");
    }

    private Row single(String sql, String value) {
        List<Row> rows = new ArrayList<>();
        Await.result(pool.preparedQuery(sql).execute(Tuple.of(value))).forEach(rows::add);
        assertEquals(1, rows.size(), sql);
        return rows.get(0);
    }
}
