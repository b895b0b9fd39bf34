package io.latchkey.keys.metrics;

import java.util.concurrent.atomic.LongAdder;

/**
 * key-service's counters, rendered as Prometheus text at {@code GET /metrics}. A token issue is a metric, not an
 * audit row; nothing here names a key, a client or a subject.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Prometheus text format</a>
 */
public final class KeyMetrics {
    private final LongAdder signed = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final LongAdder unavailable = new LongAdder();
    private final LongAdder generated = new LongAdder();
    private final LongAdder revoked = new LongAdder();
    private final LongAdder refreshFailures = new LongAdder();
    private final boolean nativeProvider;

    public KeyMetrics(boolean nativeProvider) {
        this.nativeProvider = nativeProvider;
    }

    public void signed() {
        signed.increment();
    }

    public void rejected() {
        rejected.increment();
    }

    public void unavailable() {
        unavailable.increment();
    }

    public void generated() {
        generated.increment();
    }

    public void revoked() {
        revoked.increment();
    }

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
