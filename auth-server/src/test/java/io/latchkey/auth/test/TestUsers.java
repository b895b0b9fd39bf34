package io.latchkey.auth.test;

import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.password.Argon2id;
import io.latchkey.common.testing.Await;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.UUID;

/** Inserts users with Argon2id hashes at the cheap test parameters. */
public final class TestUsers {
    public static final Argon2Settings TEST_ARGON2 = new Argon2Settings(256, 1, 1, 1, 1);

    private TestUsers() {}

    public static UUID insert(Pool pool, String username, String password) {
        return insert(pool, username, password, TEST_ARGON2);
    }

    public static UUID insert(Pool pool, String username, String password, Argon2Settings settings) {
        String hash = new Argon2id(settings).hash(password.toCharArray());
        return Await.result(
                        pool.preparedQuery("INSERT INTO users (username, password_hash) VALUES ($1, $2) RETURNING id")
                                .execute(Tuple.of(username, hash)))
                .iterator()
                .next()
                .getUUID("id");
    }

    public static void disable(Pool pool, UUID id) {
        Await.result(pool.preparedQuery("UPDATE users SET disabled = true WHERE id = $1")
                .execute(Tuple.of(id)));
    }
}
