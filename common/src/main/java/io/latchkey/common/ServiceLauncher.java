package io.latchkey.common;

import io.latchkey.common.config.ConfigException;
import io.latchkey.common.config.Env;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code main} of every service: reads settings from the environment, deploys the service's verticle and
 * closes it gracefully on SIGTERM. A bad setting stops the process with one line naming the variable.
 */
public final class ServiceLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);
    private static final long SHUTDOWN_SECONDS = 20;

    private ServiceLauncher() {}

    public static void launch(String service, Function<Env, Deployable> factory) {
        Deployable verticle;
        try {
            verticle = factory.apply(Env.system());
        } catch (ConfigException e) {
            LOG.error("{} cannot start: {}", service, e.getMessage());
            System.exit(2);
            return;
        }
        Vertx vertx = Vertx.vertx();
        long started = System.nanoTime();
        vertx.deployVerticle(verticle)
                .onSuccess(id -> LOG.info(
                        "{} started in {} ms", service, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)))
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
