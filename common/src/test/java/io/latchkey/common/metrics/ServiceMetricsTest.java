package io.latchkey.common.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.latchkey.common.http.MetricsRoutes;
import io.latchkey.common.testing.Await;
import io.latchkey.common.testing.PrometheusText;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ServiceMetricsTest {
    private ServiceMetrics metrics;
    private Vertx vertx;
    private WebClient client;
    private int port;

    @BeforeEach
    void start() throws Exception {
        metrics = ServiceMetrics.create();
        vertx = metrics.vertx(new VertxOptions());
        Router router = Router.router(vertx);
        router.get("/teapot").handler(ctx -> ctx.response().setStatusCode(418).end());
        MetricsRoutes.mount(
                router,
                metrics,
                () -> "# HELP latchkey_extra_total An extra section.\n# TYPE latchkey_extra_total counter\n"
                        + "latchkey_extra_total 7\n");
        HttpServer server =
                Await.result(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
        port = server.actualPort();
        client = WebClient.create(vertx);
    }

    @AfterEach
    void stop() throws Exception {
        Await.result(vertx.close());
    }

    @Test
    void metricsWhenScrapedThenPrometheusTextWithItsContentType() throws Exception {
        HttpResponse<?> response = scrapeResponse();

        assertEquals(200, response.statusCode());
        assertEquals("text/plain; version=0.0.4; charset=utf-8", response.getHeader("Content-Type"));
        Map<String, Double> samples = PrometheusText.parse(response.bodyAsString());
        assertEquals(7.0, samples.get("latchkey_extra_total"));
    }

    @Test
    void metricsWhenRequestServedThenServerRequestCounterMoves() throws Exception {
        double before = PrometheusText.sum(scrape(), "vertx_http_server_requests_total", "code=\"418\"");

        assertEquals(
                418,
                Await.result(client.get(port, "127.0.0.1", "/teapot").send()).statusCode());

        double after = PrometheusText.sum(scrape(), "vertx_http_server_requests_total", "code=\"418\"");
        assertEquals(before + 1, after);
    }

    @Test
    void metricsWhenServiceCountsThenItsCounterIsScraped() throws Exception {
        Counter issued = Counter.builder("latchkey.tokens.issued")
                .tag("grant", "password")
                .register(metrics.registry());
        issued.increment(3);

        Map<String, Double> samples = scrape();

        assertEquals(3.0, samples.get("latchkey_tokens_issued_total{grant=\"password\"}"));
    }

    @Test
    void metricsWhenTwoServicesShareAJvmThenTheirRegistriesStayApart() throws Exception {
        ServiceMetrics other = ServiceMetrics.create();
        Counter.builder("latchkey.only.here").register(other.registry()).increment();

        assertTrue(scrape().keySet().stream().noneMatch(s -> s.startsWith("latchkey_only_here")));
        assertEquals(
                1.0, PrometheusText.parse(other.scrape(java.util.List.of())).get("latchkey_only_here_total"));
    }

    @Test
    void parserWhenLineIsNotPrometheusTextThenRejected() {
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("# TYPE a counter\na{b=c} 1\n"));
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse("undeclared 1\n"));
    }

    private Map<String, Double> scrape() throws Exception {
        return PrometheusText.parse(scrapeResponse().bodyAsString());
    }

    private HttpResponse<?> scrapeResponse() throws Exception {
        return Await.result(client.get(port, "127.0.0.1", "/metrics").send());
    }
}
