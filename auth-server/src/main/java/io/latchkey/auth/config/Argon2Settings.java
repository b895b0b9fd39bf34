package io.latchkey.auth.config;

import io.latchkey.common.config.Env;

/**
 * Argon2id cost parameters and the size of the hashing executor. The defaults meet OWASP's minimum
 * (m=19 MiB, t=2, p=1); the queue is short (16 per
 * thread, well under a second of work at the defaults) so a login flood is refused quickly instead of piling up.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9106#section-4">RFC 9106 §4</a>
 */
public record Argon2Settings(int memoryKib, int iterations, int parallelism, int threads, int queue) {
    public static final int DEFAULT_MEMORY_KIB = 19 * 1024;
    public static final int DEFAULT_ITERATIONS = 2;
    public static final int DEFAULT_PARALLELISM = 1;

    public static Argon2Settings from(Env env) {
        int cores = Runtime.getRuntime().availableProcessors();
        return new Argon2Settings(
                env.integer("LATCHKEY_ARGON2_MEMORY_KIB", DEFAULT_MEMORY_KIB, 8, 4 * 1024 * 1024),
                env.integer("LATCHKEY_ARGON2_ITERATIONS", DEFAULT_ITERATIONS, 1, 100),
                env.integer("LATCHKEY_ARGON2_PARALLELISM", DEFAULT_PARALLELISM, 1, 64),
                env.integer("LATCHKEY_ARGON2_THREADS", cores, 1, 256),
                env.integer("LATCHKEY_ARGON2_QUEUE", 16 * cores, 0, 10_000));
    }
}
