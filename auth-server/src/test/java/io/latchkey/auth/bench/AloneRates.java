package io.latchkey.auth.bench;

import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.password.Argon2id;
import io.latchkey.auth.test.BenchFigures;
import io.latchkey.keys.crypto.SigningProvider;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * The CPU work a token costs, measured alone on plain threads in closed loops with no server in the way: the
 * ceilings the benchmarks set their figures beside. Argon2id verifications at given parameters bound logins; RSA-2048
 * RS256 signatures (key-service's provider) bound every grant.
 */
final class AloneRates {
    private static final char[] PASSWORD = "bench-password-1".toCharArray();

    private AloneRates() {}

    /**
     * Operations per second of wall time, and per second of CPU time this JVM used meanwhile (the working threads and
     * the collector that cleans up after them: Argon2id allocates its memory anew for every hash): the second does
     * not depend on how much of a shared machine the run had.
     */
    record Rate(double perSecond, double perCpuSecond) {}

    /** Argon2id verifications per second of a matching password, {@code threads} at once. */
    static Rate argon2Verifications(Argon2Settings settings, int threads, int seconds) throws InterruptedException {
        Argon2id argon2 = new Argon2id(settings);
        String hash = argon2.hash(PASSWORD.clone());
        return parallel(threads, seconds, () -> argon2.verify(hash, PASSWORD.clone()));
    }

    /** RS256 signatures per second of a 400-byte input with a fresh RSA-2048 key, {@code threads} at once. */
    static Rate rsaSigns(int threads, int seconds) throws Exception {
        SigningProvider provider = SigningProvider.best();
        KeyPair pair = provider.generate(2048);
        byte[] input = new byte[400];
        new SecureRandom().nextBytes(input);
        return parallel(threads, seconds, () -> {
            try {
                Signature signature = provider.rs256();
                signature.initSign(pair.getPrivate());
                signature.update(input);
                return signature.sign().length > 0;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /**
     * ES256 signatures per second of a 400-byte input with a fresh P-256 key, {@code threads} at once, DER turned
     * into R‖S as key-service does.
     */
    static Rate es256Signs(int threads, int seconds) throws Exception {
        SigningProvider provider = SigningProvider.best();
        KeyPair pair = provider.generateP256();
        byte[] input = new byte[400];
        new SecureRandom().nextBytes(input);
        return parallel(threads, seconds, () -> {
            try {
                Signature signature = provider.signature(io.latchkey.keys.crypto.SigningAlgorithm.ES256);
                signature.initSign(pair.getPrivate());
                signature.update(input);
                return io.latchkey.keys.crypto.EcdsaSignatures.derToJose(
                                        signature.sign(), io.latchkey.keys.crypto.EcdsaSignatures.P256_PART)
                                .length
                        == 64;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** Successful calls of {@code work} per second, {@code threads} looping on it for {@code seconds}. */
    static Rate parallel(int threads, int seconds, BooleanSupplier work) throws InterruptedException {
        AtomicLong done = new AtomicLong();
        long cpuStart = BenchFigures.processCpuNanos();
        long start = System.nanoTime();
        long end = start + seconds * 1_000_000_000L;
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(() -> {
                while (System.nanoTime() < end) {
                    if (work.getAsBoolean()) {
                        done.incrementAndGet();
                    }
                }
            });
            t.start();
            workers.add(t);
        }
        for (Thread t : workers) {
            t.join();
        }
        double cpuSeconds = (BenchFigures.processCpuNanos() - cpuStart) / 1e9;
        return new Rate(done.get() / ((System.nanoTime() - start) / 1e9), done.get() / cpuSeconds);
    }
}
