package io.latchkey.keys.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.testing.Await;
import io.latchkey.db.test.PostgresExtension;
import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.crypto.SigningProvider;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The ring's choice of signing key from stored times, on a real database with a clock the test moves. */
class KeyRingTest {
    @RegisterExtension
    static final PostgresExtension db = new PostgresExtension();

    private static Vertx vertx;

    @BeforeAll
    static void start() {
        vertx = Vertx.vertx();
    }

    @AfterAll
    static void stop() {
        Await.result(vertx.close());
    }

    /** A clock the test sets. */
    static final class MovableClock extends Clock {
        private volatile Instant now = Instant.now();

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    @Test
    void signingKeyWhenKeysCannotBeReReadForLongerThanTheLimitThenNoneButJwksStillServed() throws Exception {
        byte[] kek = new byte[32];
        new SecureRandom().nextBytes(kek);
        KeySealer sealer = new KeySealer(kek);
        SigningProvider provider = SigningProvider.best();
        Pool pool = db.pool(vertx);
        PgKeyRepository repository = new PgKeyRepository(pool, SigningAlgorithm.RS256);
        MovableClock clock = new MovableClock();
        KeyRing ring = new KeyRing(repository, sealer, provider, vertx, clock);
        NewKey key = new KeyGenerator(provider, sealer, SigningAlgorithm.RS256, 2048).generate();
        assertTrue(Await.result(repository.insertIfDue(
                key,
                clock.instant(),
                new RotationSchedule(Duration.ofDays(30), Duration.ofMinutes(10)),
                Duration.ofMinutes(6))));

        Await.result(ring.refresh());
        assertEquals(key.kid(), ring.signingKeyAt(clock.instant()).orElseThrow().kid());

        clock.advance(Duration.ofSeconds(4));
        assertEquals(key.kid(), ring.signingKeyAt(clock.instant()).orElseThrow().kid(), "a slow refresh is tolerated");

        Await.result(pool.close());
        Await.failure(ring.refresh());
        clock.advance(Duration.ofSeconds(2));
        assertTrue(ring.signingKeyAt(clock.instant()).isEmpty(), "stale keys sign nothing");
        assertEquals(
                List.of(key.kid()),
                ring.publishedAt(clock.instant()).stream().map(KeyRecord::kid).toList());
    }
}
