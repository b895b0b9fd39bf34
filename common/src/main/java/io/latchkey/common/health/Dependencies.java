package io.latchkey.common.health;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The dependencies of one service, by name: their states for {@code /health/ready}'s body ({@code "up"} or
 * {@code "down"}), the gauge {@code latchkey_dependency_up{dependency="..."}} (1 up, 0 down), the periodic probes
 * that keep the states current, and the periodic count of requests that failed while one was down.
 */
public final class Dependencies {
    public static final String GAUGE = "latchkey_dependency_up";
    /** How often each dependency is probed. */
    public static final long PROBE_PERIOD_MS = 2_000;
    /** How often a dependency that is down reports the requests that failed meanwhile. */
    public static final long REPORT_PERIOD_MS = 60_000;

    private final Map<String, Dependency> byName = new LinkedHashMap<>();
    private final List<Long> timers = new ArrayList<>();
    private Vertx vertx;

    public Dependencies(List<Dependency> dependencies) {
        dependencies.forEach(d -> byName.put(d.name(), d));
    }

    /** No dependencies (the health body then lists none). */
    public static Dependencies none() {
        return new Dependencies(List.of());
    }

    /** The dependency called {@code name}; an unknown name is a wiring bug. */
    public Dependency get(String name) {
        Dependency dependency = byName.get(name);
        if (dependency == null) {
            throw new IllegalArgumentException("no dependency " + name);
        }
        return dependency;
    }

    /** The dependency called {@code name}, if this service has one. */
    public java.util.Optional<Dependency> find(String name) {
        return java.util.Optional.ofNullable(byName.get(name));
    }

    /** {@code {"database":"up","key-service":"down"}}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject();
        byName.values().forEach(d -> json.put(d.name(), d.isUp() ? "up" : "down"));
        return json;
    }

    /** Registers one gauge per dependency. */
    public Dependencies bindTo(MeterRegistry registry) {
        for (Dependency d : byName.values()) {
            Gauge.builder(GAUGE, d, dep -> dep.isUp() ? 1 : 0)
                    .description("Whether the dependency answered when last used or probed (1) or not (0)")
                    .tag("dependency", d.name())
                    .register(registry);
        }
        return this;
    }

    /** Probes every dependency now, then every {@code probeMillis}; reports counts every {@code reportMillis}. */
    public Future<Void> start(Vertx vertx, long probeMillis, long reportMillis) {
        this.vertx = vertx;
        timers.add(vertx.setPeriodic(probeMillis, id -> checkAll()));
        timers.add(vertx.setPeriodic(reportMillis, id -> byName.values().forEach(d -> d.report(reportMillis))));
        return checkAll();
    }

    public Future<Void> start(Vertx vertx) {
        return start(vertx, PROBE_PERIOD_MS, REPORT_PERIOD_MS);
    }

    /** Probes each dependency once; never fails (a failed probe marks its dependency down). */
    public Future<Void> checkAll() {
        List<Future<Void>> checks = new ArrayList<>();
        byName.values().forEach(d -> checks.add(d.check()));
        return Future.join(checks).mapEmpty();
    }

    public void stop() {
        if (vertx != null) {
            timers.forEach(vertx::cancelTimer);
        }
        timers.clear();
    }
}
