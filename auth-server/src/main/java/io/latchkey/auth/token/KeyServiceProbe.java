package io.latchkey.auth.token;

import io.latchkey.common.tls.ClientTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.List;

/**
 * Asks key-service whether it is there: {@code GET /health/live} on each configured URL in turn, succeeding at the
 * first that answers 200. The {@code key-service} dependency's probe, so its state follows key-service even when no
 * token is being signed.
 */
public final class KeyServiceProbe {
    private static final long TIMEOUT_MS = 2_000;

    private final WebClient client;
    private final List<String> liveUrls;

    public KeyServiceProbe(Vertx vertx, List<URI> urls, ClientTls tls) {
        this.client = WebClient.create(
                vertx, tls.applyTo(new WebClientOptions().setKeepAlive(true).setConnectTimeout((int) TIMEOUT_MS)));
        this.liveUrls = urls.stream()
                .map(u -> u.toString().replaceAll("/+$", "") + "/health/live")
                .toList();
    }

    public Future<Void> probe() {
        return probe(0);
    }

    private Future<Void> probe(int index) {
        return client.getAbs(liveUrls.get(index)).timeout(TIMEOUT_MS).send().transform(ar -> {
            if (ar.succeeded() && ar.result().statusCode() == 200) {
                return Future.succeededFuture();
            }
            if (index + 1 < liveUrls.size()) {
                return probe(index + 1);
            }
            return Future.failedFuture(
                    ar.failed()
                            ? ar.cause()
                            : new IllegalStateException("HTTP " + ar.result().statusCode()));
        });
    }

    public void close() {
        client.close();
    }
}
