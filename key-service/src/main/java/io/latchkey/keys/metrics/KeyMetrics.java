package io.latchkey.keys.metrics;

import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.keys.KeyEvents;
import io.latchkey.keys.keys.KeyRecord;
import io.latchkey.keys.keys.KeyRing;
import io.latchkey.keys.keys.KeyRings;
import io.latchkey.keys.keys.KeyState;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

/**
 * key-service's counters, rendered as Prometheus text at {@code GET /metrics}, and its Micrometer meters in the
 * service registry: the RS256 signing time ({@code latchkey_key_service_signing_seconds}, a summary with p50 and
 * p99), the active key's age and the time to the next key's activation, both read from the key ring at scrape
 * time. It observes the key classes (their {@link KeyEvents} and the ring), never the other way round. A token
 * issue is a metric, not an audit row; nothing here names a key, a client or a subject.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Prometheus text format</a>
 */
public final class KeyMetrics implements KeyEvents {
    private final LongAdder signed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder generated = new LongAdder();
    private final LongAdder revoked = new LongAdder();
    private final LongAdder refreshFailures = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder batchedClaimSets = new LongAdder();
    private final boolean nativeProvider;
    private final MeterRegistry registry;
    private final Timer signing;

    public KeyMetrics(boolean nativeProvider, MeterRegistry registry) {
        this.nativeProvider = nativeProvider;
        this.registry = registry;
        this.signing = Timer.builder("latchkey.key.service.signing")
                .description("Time to compute one signature (RS256 or ES256)")
                .publishPercentiles(0.5, 0.99)
                .register(registry);
    }

    /**
     * Reads the key life from each ring at every scrape, tagged {@code alg}; {@code rotation} is how long each key
     * signs.
     */
    public void watch(KeyRings rings, Duration rotation) {
        for (SigningAlgorithm alg : rings.algorithms()) {
            KeyRing ring = rings.ring(alg).orElseThrow().keys();
            Gauge.builder("latchkey.key.service.active.key.age", ring, r -> activeKeyAge(r, r.now()))
                    .description("Seconds since the ring's signing key became active (NaN without one)")
                    .tag("alg", alg.name())
                    .baseUnit("seconds")
                    .register(registry);
            Gauge.builder("latchkey.key.service.next.rotation", ring, r -> untilNextActivation(r, rotation, r.now()))
                    .description("Seconds until the ring's next key starts signing (NaN without keys)")
                    .tag("alg", alg.name())
                    .baseUnit("seconds")
                    .register(registry);
        }
    }

    static double activeKeyAge(KeyRing ring, Instant now) {
        return ring.live().stream()
                .filter(key -> key.stateAt(now) == KeyState.ACTIVE)
                .map(KeyRecord::activateAt)
                .max(Instant::compareTo)
                .map(activated -> Duration.between(activated, now).toMillis() / 1000.0)
                .orElse(Double.NaN);
    }

    static double untilNextActivation(KeyRing ring, Duration rotation, Instant now) {
        Optional<KeyRecord> newest = ring.newest();
        if (newest.isEmpty()) {
            return Double.NaN;
        }
        // A key already published waits for its activation; otherwise the newest key signs for one rotation.
        Instant activated = newest.get().activateAt();
        Instant next = activated.isAfter(now) ? activated : activated.plus(rotation);
        return Duration.between(now, next).toMillis() / 1000.0;
    }

    public void signingTook(long nanos) {
        signing.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void signed() {
        signed.increment();
    }

    /** A {@code /internal/sign/batch} request carrying {@code claimSets} claim sets. */
    public void batch(int claimSets) {
        batches.increment();
        batchedClaimSets.add(claimSets);
    }

    public void rejected() {
        rejected.increment();
    }

    public void unavailable() {
        unavailable.increment();
    }

    @Override
    public void generated() {
        generated.increment();
    }

    @Override
    public void revoked() {
        revoked.increment();
    }

    @Override
    public void refreshFailed() {
        refreshFailures.increment();
    }

    public String render() {
        StringBuilder out = new StringBuilder(1024);
        out.append("# HELP latchkey_key_service_sign_requests_total Signing requests by outcome.\n")
                .append("# TYPE latchkey_key_service_sign_requests_total counter\n");
        line(out, "latchkey_key_service_sign_requests_total{outcome=\"signed\"}", signed.sum());
        line(out, "latchkey_key_service_sign_requests_total{outcome=\"rejected\"}", rejected.sum());
        line(out, "latchkey_key_service_sign_requests_total{outcome=\"unavailable\"}", unavailable.sum());
        counter(
                out,
                "latchkey_key_service_sign_batches_total",
                "Batch signing requests (their claim sets count in sign_requests_total too).",
                batches.sum());
        counter(
                out,
                "latchkey_key_service_sign_batched_claim_sets_total",
                "Claim sets that came in batches: over sign_batches_total, the average batch size.",
                batchedClaimSets.sum());
        counter(out, "latchkey_key_service_keys_generated_total", "Signing keys this replica stored.", generated.sum());
        counter(out, "latchkey_key_service_keys_revoked_total", "Signing keys this replica revoked.", revoked.sum());
        counter(
                out,
                "latchkey_key_service_key_refresh_failures_total",
                "Failed re-reads of the stored keys.",
                refreshFailures.sum());
        out.append("# HELP latchkey_key_service_native_signing 1 when the native provider signs.\n")
                .append("# TYPE latchkey_key_service_native_signing gauge\n");
        line(out, "latchkey_key_service_native_signing", nativeProvider ? 1 : 0);
        return out.toString();
    }

    private static void counter(StringBuilder out, String name, String help, long value) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(" counter\n");
        line(out, name, value);
    }

    private static void line(StringBuilder out, String series, long value) {
        out.append(series).append(' ').append(value).append('\n');
    }
}
