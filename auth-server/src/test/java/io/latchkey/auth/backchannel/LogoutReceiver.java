package io.latchkey.auth.backchannel;

import io.latchkey.common.testing.Await;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An app's back-channel logout endpoint over real HTTP: records every {@code logout_token} it is sent, and answers
 * 503 to the first {@link #failFirst} requests (an app that is down at first).
 */
final class LogoutReceiver implements AutoCloseable {
    final List<String> tokens = new CopyOnWriteArrayList<>();
    final AtomicInteger failFirst = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;

    private LogoutReceiver(HttpServer server) {
        this.server = server;
    }

    static LogoutReceiver start(Vertx vertx) {
        LogoutReceiver[] self = new LogoutReceiver[1];
        HttpServer server = vertx.createHttpServer()
                .requestHandler(request -> request.body().onSuccess(body -> {
                    self[0].requests.incrementAndGet();
                    if (self[0].failFirst.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                        request.response().setStatusCode(503).end();
                        return;
                    }
                    String form = body.toString(StandardCharsets.UTF_8);
                    for (String pair : form.split("&")) {
                        if (pair.startsWith("logout_token=")) {
                            self[0].tokens.add(URLDecoder.decode(pair.substring(13), StandardCharsets.UTF_8));
                        }
                    }
                    request.response().setStatusCode(200).end();
                }));
        self[0] = new LogoutReceiver(server);
        Await.result(server.listen(0, "127.0.0.1"));
        return self[0];
    }

    String uri(String path) {
        return "http://127.0.0.1:" + server.actualPort() + path;
    }

    @Override
    public void close() {
        Await.result(server.close());
    }
}
