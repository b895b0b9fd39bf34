package io.latchkey.auth.password;

import io.latchkey.auth.config.Argon2Settings;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs Argon2id on its own bounded executor, never on the event loop nor on Vert.x's shared worker pool, so a
 * login flood cannot starve token refreshes or JDBC work. When the queue is full the attempt is refused at once
 * with 503 {@code temporarily_unavailable}. Unknown and disabled users are verified against a dummy hash so
 * every failed login costs the same time.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc9106#section-4">RFC 9106 §4</a>
 */
public final class PasswordHasher implements AutoCloseable {
    private final Vertx vertx;
    private final Argon2id argon2;
    private final ThreadPoolExecutor executor;
    private final String dummyHash;
    private final AtomicLong hashes = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();

    public PasswordHasher(Vertx vertx, Argon2Settings settings) {
        this.vertx = vertx;
        this.argon2 = new Argon2id(settings);
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(
                settings.threads(),
                settings.threads(),
                60,
                TimeUnit.SECONDS,
                settings.queue() == 0
                        ? new java.util.concurrent.SynchronousQueue<>()
                        : new ArrayBlockingQueue<>(settings.queue()),
                r -> {
                    Thread t = new Thread(r, "latchkey-argon2-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        // Computed once at start so unknown users cost a real verification with the current parameters.
        this.dummyHash = argon2.hash("latchkey-dummy-password".toCharArray());
    }

    public Future<String> hash(char[] password) {
        return submit(() -> argon2.hash(password));
    }

    /** Verifies against the stored hash, or against the dummy hash when there is none. */
    public Future<Boolean> verify(String storedHashOrNull, char[] candidate) {
        String target = storedHashOrNull == null ? dummyHash : storedHashOrNull;
        return submit(() -> argon2.verify(target, candidate) && storedHashOrNull != null);
    }

    public boolean needsRehash(String storedHash) {
        return argon2.needsRehash(storedHash);
    }

    /** Hashes and verifications done so far (a metric). */
    public long completed() {
        return hashes.get();
    }

    /** Hashes running or waiting in the queue (a metric: the login backlog). */
    public int inFlight() {
        return executor.getActiveCount() + executor.getQueue().size();
    }

    /** Attempts refused because the queue was full (a metric). */
    public long rejected() {
        return rejected.get();
    }

    /** Runs any task on the hashing executor; tests use it to show where hashing runs. */
    public <T> Future<T> submit(Callable<T> task) {
        Context context = vertx.getOrCreateContext();
        Promise<T> promise = Promise.promise();
        try {
            executor.execute(() -> {
                try {
                    T result = task.call();
                    hashes.incrementAndGet();
                    context.runOnContext(v -> promise.complete(result));
                } catch (Throwable e) {
                    context.runOnContext(v -> promise.fail(e));
                }
            });
        } catch (RejectedExecutionException e) {
            rejected.incrementAndGet();
            return Future.failedFuture(
                    OAuthError.temporarilyUnavailable("Too many logins in progress; try again shortly", 1));
        }
        return promise.future();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
