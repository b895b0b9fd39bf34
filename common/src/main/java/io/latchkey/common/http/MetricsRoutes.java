package io.latchkey.common.http;

import io.latchkey.common.metrics.ServiceMetrics;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.function.Supplier;

/** {@code GET /metrics}: a process's registry in the Prometheus text format, never cached. */
public final class MetricsRoutes {
    private MetricsRoutes() {}

    /**
     * Mounts {@code GET /metrics} on {@code router}. {@code extra} are sections already in the Prometheus text
     * format (such as the verifier's counters) appended after the registry's own.
     */
    @SafeVarargs
    public static void mount(Router router, ServiceMetrics metrics, Supplier<String>... extra) {
        List<Supplier<String>> sections = List.of(extra);
        router.get("/metrics").handler(ctx -> ctx.response()
                .putHeader("Content-Type", ServiceMetrics.CONTENT_TYPE)
                .putHeader("Cache-Control", "no-store")
                .end(metrics.scrape(sections)));
    }
}
