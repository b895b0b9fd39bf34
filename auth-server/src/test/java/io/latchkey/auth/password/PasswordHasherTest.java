package io.latchkey.auth.password;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.config.Env;
import io.latchkey.common.testing.Await;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(VertxExtension.class)
class PasswordHasherTest {
    private static final Argon2Settings CHEAP = new Argon2Settings(256, 1, 1, 1, 1);

    @Test
    void settingsWhenUnsetThenDefaultsMeetOwaspMinimum() {
        Argon2Settings settings = Argon2Settings.from(new Env(Map.of()));
        assertEquals(19 * 1024, settings.memoryKib());
        assertEquals(2, settings.iterations());
        assertEquals(1, settings.parallelism());
        assertEquals(Runtime.getRuntime().availableProcessors(), settings.threads());
    }

    @Test
    void hashWhenDefaultParametersThenPhcStringVerifies() {
        Argon2id argon2 = new Argon2id(Argon2Settings.from(new Env(Map.of())));
        String hash = argon2.hash("correct horse".toCharArray());
        assertTrue(hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$"));
        assertTrue(argon2.verify(hash, "correct horse".toCharArray()));
        assertFalse(argon2.verify(hash, "correct horsf".toCharArray()));
        assertFalse(argon2.needsRehash(hash));
    }

    @Test
    void needsRehashWhenParametersChangedThenTrue() {
        String old = new Argon2id(CHEAP).hash("pw".toCharArray());
        assertTrue(new Argon2id(new Argon2Settings(512, 1, 1, 1, 1)).needsRehash(old));
        assertTrue(new Argon2id(CHEAP).verify(old, "pw".toCharArray()));
    }

    @Test
    void verifyWhenCalledFromEventLoopThenRunsOnArgon2Thread(Vertx vertx) {
        try (PasswordHasher hasher = new PasswordHasher(vertx, CHEAP)) {
            Future<String> where = Future.future(p -> vertx.runOnContext(v -> hasher.submit(() -> {
                        assertFalse(Context.isOnEventLoopThread());
                        return Thread.currentThread().getName();
                    })
                    .onComplete(p)));
            assertTrue(Await.result(where).startsWith("latchkey-argon2-"));
            String hash = Await.result(hasher.hash("pw".toCharArray()));
            assertTrue(Await.result(hasher.verify(hash, "pw".toCharArray())));
            assertFalse(Await.result(hasher.verify(null, "pw".toCharArray())));
        }
    }

    @Test
    void submitWhenQueueFullThenTemporarilyUnavailable(Vertx vertx) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (PasswordHasher hasher = new PasswordHasher(vertx, CHEAP)) {
            List<Future<Boolean>> busy = new ArrayList<>();
            // One thread and a queue of one: the third task has nowhere to go.
            busy.add(hasher.submit(() -> release.await(30, java.util.concurrent.TimeUnit.SECONDS)));
            busy.add(hasher.submit(() -> release.await(30, java.util.concurrent.TimeUnit.SECONDS)));
            Future<Boolean> refused = hasher.submit(() -> true);
            assertTrue(refused.failed());
            OAuthError error = (OAuthError) refused.cause();
            assertEquals(503, error.status());
            assertEquals(
                    "{\"error\":\"temporarily_unavailable\",\"error_description\":\"Too many logins in progress; try again shortly\"}",
                    error.body().encode());
            assertEquals(1, hasher.rejected());
            release.countDown();
            busy.forEach(Await::result);
        }
    }
}
