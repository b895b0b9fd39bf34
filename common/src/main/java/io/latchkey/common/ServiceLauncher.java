package io.latchkey.common;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.latchkey.common.logging.LogFormat;
import io.latchkey.common.metrics.ServiceMetrics;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every service: reads settings from the environment, deploys the service's verticle on a
 * Vert.x instance that records metrics, and closes it gracefully on SIGTERM (the verticle's {@code stop()} shuts
 * its servers down, letting in-flight requests finish). A bad setting stops the process with one line naming the
 * variable.
 */
public final class ServiceLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);
    private static final long SHUTDOWN_SECONDS = 20;

    private ServiceLauncher() {}

    public static void launch(String service, Function<Env, Deployable> factory) {
        launch(service, (env, metrics) -> factory.apply(env));
    }

    /** As {@link #launch(String, Function)}, handing the verticle the service's metrics for its own meters. */
    public static void launch(String service, BiFunction<Env, ServiceMetrics, Deployable> factory) {
        ServiceMetrics metrics = ServiceMetrics.create();
        Deployable verticle;
        Env env = Env.system();
        try {
            LogFormat.from(env);
        } catch (ConfigException e) {
            // Logback found no appender of that name, so a log line would vanish: say it on stderr instead.
            System.err.println(service + " cannot start: " + e.getMessage());
            System.exit(2);
            return;
        }
        try {
            verticle = factory.apply(env, metrics);
        } catch (ConfigException e) {
            LOG.error("{} cannot start: {}", service, e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = metrics.vertx(NativeTransport.prefer(new VertxOptions()));
        long started = System.nanoTime();
        vertx.deployVerticle(verticle)
                .onSuccess(id -> LOG.info(
                        "{} started in {} ms on {}",
                        service,
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started),
                        NativeTransport.describe(vertx)))
                .onFailure(e -> {
                    LOG.error("{} cannot start: {}", service, StartFailures.describe(e));
                    vertx.close().onComplete(ar -> System.exit(1));
                });
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            LOG.info("{} stopping", service);
                            try {
                                vertx.close()
                                        .toCompletionStage()
                                        .toCompletableFuture()
                                        .get(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
                            } catch (Exception e) {
                                LOG.warn("{} did not stop cleanly within {} s", service, SHUTDOWN_SECONDS);
                            }
                        },
                        service + "-shutdown"));
    }
}
