package io.latchkey.common.health;

import io.vertx.core.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Something a service needs to answer some of its requests (its database, key-service), as last observed: up or
 * down. Only a change of state is logged (one WARN when it goes down, one INFO when it is back, with how many
 * requests failed meanwhile); requests that fail while it is down are counted, not logged one by one, and
 * {@link Dependencies} reports the count periodically. An outage under load thus writes a handful of lines, not
 * one per request. Safe to use from every event loop.
 */
public final class Dependency {
    private static final Logger LOG = LoggerFactory.getLogger(Dependency.class);

    private final String name;
    private final Supplier<Future<?>> probe;
    private final LongSupplier clock;
    private final AtomicBoolean up = new AtomicBoolean(true);
    private final AtomicLong downSinceMillis = new AtomicLong();
    private final AtomicLong failedThisOutage = new AtomicLong();
    private final AtomicLong failedSinceReport = new AtomicLong();

    /**
     * {@code probe} succeeds when the dependency answers; {@link Dependencies} runs it periodically so the state
     * follows the dependency even when no request uses it.
     */
    public Dependency(String name, Supplier<Future<?>> probe, LongSupplier clock) {
        this.name = name;
        this.probe = probe;
        this.clock = clock;
    }

    public Dependency(String name, Supplier<Future<?>> probe) {
        this(name, probe, System::currentTimeMillis);
    }

    public String name() {
        return name;
    }

    public boolean isUp() {
        return up.get();
    }

    /** The dependency answered: one INFO line if it was down. */
    public void up() {
        if (up.compareAndSet(false, true)) {
            long failed = failedThisOutage.getAndSet(0);
            failedSinceReport.set(0);
            LOG.info(
                    "{} is back after {} ms; {} requests failed while it was down",
                    name,
                    clock.getAsLong() - downSinceMillis.get(),
                    failed);
        }
    }

    /** The dependency failed to answer, for {@code reason} (a class name or a status, never a secret). */
    public void down(String reason) {
        if (up.compareAndSet(true, false)) {
            downSinceMillis.set(clock.getAsLong());
            LOG.warn("{} is down ({}); requests that need it are answered 503 until it is back", name, reason);
        }
    }

    /** A request failed because the dependency is down: marks it down, counts the request, logs nothing more. */
    public void requestFailed(String reason) {
        down(reason);
        failedThisOutage.incrementAndGet();
        failedSinceReport.incrementAndGet();
    }

    /** Runs the probe once and records what it found. */
    public Future<Void> check() {
        Future<?> answer;
        try {
            answer = probe.get();
        } catch (RuntimeException e) {
            answer = Future.failedFuture(e);
        }
        return answer.transform(ar -> {
            if (ar.succeeded()) {
                up();
            } else {
                down(reason(ar.cause()));
            }
            return Future.succeededFuture();
        });
    }

    /**
     * What a failed probe says: the exception's class, or the message of an {@link IllegalStateException} (what
     * probes fail with when the answer itself was wrong, such as {@code HTTP 503}). Never another message: a driver's
     * may quote what it was sent.
     */
    private static String reason(Throwable failure) {
        if (failure instanceof IllegalStateException && failure.getMessage() != null) {
            return failure.getMessage();
        }
        return failure.getClass().getSimpleName();
    }

    /** The periodic line while down: how many requests failed since the last one. */
    void report(long periodMillis) {
        if (up.get()) {
            return;
        }
        long failed = failedSinceReport.getAndSet(0);
        if (failed > 0) {
            LOG.warn("{} requests failed in the last {} s while {} is down", failed, periodMillis / 1000, name);
        }
    }
}
