package io.latchkey.common.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class DependencyTest {
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(Dependency.class);
    private final AtomicBoolean answers = new AtomicBoolean(true);
    private long now = 1_000;
    private final Dependency keyService = new Dependency(
            "key-service",
            () -> answers.get() ? Future.succeededFuture() : Future.failedFuture(new IllegalStateException()),
            () -> now);

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    @Test
    void requestFailedWhenManyDuringAnOutageThenOneLineDownAndOneLineBackWithTheCount() {
        for (int i = 0; i < 1_000; i++) {
            keyService.requestFailed("ConnectException");
        }
        assertFalse(keyService.isUp());
        now += 2_500;
        keyService.up();
        keyService.up();

        assertEquals(
                List.of(
                        "WARN key-service is down (ConnectException); requests that need it are answered 503 until"
                                + " it is back",
                        "INFO key-service is back after 2500 ms; 1000 requests failed while it was down"),
                lines());
    }

    @Test
    void reportWhenDownThenOneLineWithTheCountSinceTheLastReport() {
        keyService.requestFailed("x");
        keyService.requestFailed("x");
        keyService.report(60_000);
        keyService.report(60_000); // nothing failed since: no line
        keyService.requestFailed("x");
        keyService.report(60_000);

        List<String> lines = lines();
        assertEquals(3, lines.size(), lines.toString());
        assertEquals("WARN 2 requests failed in the last 60 s while key-service is down", lines.get(1));
        assertEquals("WARN 1 requests failed in the last 60 s while key-service is down", lines.get(2));
    }

    @Test
    void checkWhenProbeFailsThenDownAndWhenItAnswersThenUp() {
        answers.set(false);
        keyService.check();
        assertFalse(keyService.isUp());
        answers.set(true);
        keyService.check();
        assertTrue(keyService.isUp());
    }

    @Test
    void dependenciesWhenOneIsDownThenBodyAndGaugeSaySo() {
        Dependency database = new Dependency("database", Future::succeededFuture);
        Dependencies dependencies = new Dependencies(List.of(database, keyService));
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        dependencies.bindTo(registry);
        keyService.down("ConnectException");

        assertEquals(new JsonObject().put("database", "up").put("key-service", "down"), dependencies.toJson());
        String scrape = registry.scrape();
        assertTrue(scrape.contains("latchkey_dependency_up{dependency=\"database\"} 1.0"), scrape);
        assertTrue(scrape.contains("latchkey_dependency_up{dependency=\"key-service\"} 0.0"), scrape);
    }

    private List<String> lines() {
        return appender.list.stream()
                .map(e -> e.getLevel() + " " + e.getFormattedMessage())
                .toList();
    }
}
