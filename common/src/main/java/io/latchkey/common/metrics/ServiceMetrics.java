package io.latchkey.common.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * One service's metrics: a Prometheus registry of its own, a Vert.x instance that records HTTP server metrics into
 * it, and {@code GET /metrics} in the Prometheus text format. Services add their own counters and timers through
 * {@link #registry()}. Each instance uses its own registry, so services sharing a JVM (the dev stack) keep their
 * numbers apart.
 *
 * @see <a href="https://prometheus.io/docs/instrumenting/exposition_formats/">Prometheus exposition format</a>
 */
public final class ServiceMetrics {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    // vertx-micrometer keeps backends in a static map by name: a unique name keeps each instance's registry its own.
    private final String registryName = "latchkey-" + UUID.randomUUID();

    public static ServiceMetrics create() {
        return new ServiceMetrics();
    }

    /** Where services register their own meters. */
    public MeterRegistry registry() {
        return registry;
    }

    /** {@code options} with Micrometer metrics on, recording into this registry. */
    public VertxOptions options(VertxOptions options) {
        return options.setMetricsOptions(new MicrometerMetricsOptions()
                .setEnabled(true)
                .setRegistryName(registryName)
                .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
    }

    /** A Vert.x instance whose HTTP servers and clients record into this registry. */
    public Vertx vertx(VertxOptions options) {
        return Vertx.builder()
                .with(options(options))
                .withMetrics(new MicrometerMetricsFactory(registry))
                .build();
    }

    /** The registry in Prometheus text, followed by any text-format sections {@code extra} renders. */
    public String scrape(List<Supplier<String>> extra) {
        StringBuilder out = new StringBuilder(registry.scrape());
        for (Supplier<String> section : extra) {
            out.append(section.get());
        }
        return out.toString();
    }
}
