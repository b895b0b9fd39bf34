package io.latchkey.verifier.revocation;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps a {@link RevocationList} in step with the auth-server's revocation feed: a catch-up read of {@code GET
 * /revocations?after=<seq>}, then the {@code /revocations/stream} event stream resumed with {@code Last-Event-ID}.
 * Any byte from the feed (an entry, a heartbeat, a successful read) counts as word from it; {@link #fresh()} turns
 * false when there has been none for longer than the staleness bound, so the verifier fails closed. A stream silent
 * for two thirds of the bound is dropped and reopened; failures retry over the back-channel URLs in turn, fast at
 * first then backing off with jitter ({@link ReconnectDelays}), so recovery needs no restart and a verifier with
 * several URLs moves to a healthy replica within a try or two. A failing feed logs its first failure and then one
 * line per {@value #LOG_EVERY_TRIES} tries, not one per try.
 */
public final class RevocationFeed {
    private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);
    private static final int LOG_EVERY_TRIES = 20;
    private static final long REQUEST_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final WebClient webClient;
    private final HttpClient httpClient;
    private final List<URI> listEndpoints;
    private final String authorization;
    private final Duration stalenessBound;
    private final RevocationList list;
    private final Consumer<String> onKeyRevoked;
    private final Clock clock;

    private volatile boolean loaded;
    private volatile long lastHeardMillis;
    private volatile boolean closed;
    // Touched only on the context that called start().
    private long lastSeq;
    private int endpoint;
    private final ReconnectDelays delays = new ReconnectDelays();
    private long attempt;
    private HttpClientRequest stream;
    private long streamHeardMillis;
    private long watchdog = -1;

    public RevocationFeed(
            Vertx vertx,
            WebClient webClient,
            HttpClient httpClient,
            List<URI> listEndpoints,
            String authorization,
            Duration stalenessBound,
            RevocationList list,
            Consumer<String> onKeyRevoked,
            Clock clock) {
        this.vertx = vertx;
        this.webClient = webClient;
        this.httpClient = httpClient;
        this.listEndpoints = List.copyOf(listEndpoints);
        this.authorization = authorization;
        this.stalenessBound = stalenessBound;
        this.list = list;
        this.onKeyRevoked = onKeyRevoked;
        this.clock = clock;
    }

    /** Starts following the feed; call it on the context that should own the feed's timers and connections. */
    public void start() {
        long period = Math.max(50, Math.min(1_000, stalenessBound.toMillis() / 4));
        watchdog = vertx.setPeriodic(period, id -> watch());
        connect(++attempt);
    }

    /** Whether the initial list is loaded and the feed spoke within the staleness bound. */
    public boolean fresh() {
        return loaded && clock.millis() - lastHeardMillis <= stalenessBound.toMillis();
    }

    public boolean loaded() {
        return loaded;
    }

    public void close() {
        closed = true;
        if (watchdog >= 0) {
            vertx.cancelTimer(watchdog);
        }
        if (stream != null) {
            stream.reset();
        }
    }

    private void connect(long current) {
        if (closed || current != attempt) {
            return;
        }
        URI base = listEndpoints.get(endpoint);
        var request = webClient
                .getAbs(base.toString())
                .timeout(REQUEST_TIMEOUT_MS)
                .putHeader(HttpHeaders.AUTHORIZATION.toString(), authorization);
        if (loaded) {
            request.addQueryParam("after", Long.toString(lastSeq));
        }
        request.send()
                .compose(this::applyList)
                .compose(v -> openStream(base, current))
                .onFailure(e -> {
                    if (current == attempt) {
                        if (delays.tries() % LOG_EVERY_TRIES == 0) {
                            LOG.warn(
                                    "Revocation feed at {} unavailable ({} tries so far): {}",
                                    base,
                                    delays.tries() + 1,
                                    e.getMessage());
                        }
                        retryLater(current);
                    }
                });
    }

    private Future<Void> applyList(HttpResponse<Buffer> response) {
        if (response.statusCode() != 200) {
            return Future.failedFuture("status " + response.statusCode());
        }
        Buffer body = response.body();
        if (body == null) {
            return Future.failedFuture("unreadable revocation list");
        }
        // A first snapshot may hold a million entries: read and index it on a worker, not the event loop. Only the
        // list (safe for concurrent use) is touched there; the feed's own state is updated back on its context.
        return vertx.<Snapshot>executeBlocking(() -> read(body))
                .recover(e -> Future.failedFuture("unreadable revocation list"))
                .map(snapshot -> {
                    snapshot.revokedKids().forEach(this::keyRevoked);
                    lastSeq = snapshot.lastSeq();
                    if (!loaded) {
                        LOG.info("Revocation list loaded up to seq {}", lastSeq);
                    }
                    loaded = true;
                    heard();
                    return null;
                });
    }

    private record Snapshot(long lastSeq, List<String> revokedKids) {}

    /** Adds a snapshot's entries to the list; runs on a worker. */
    private Snapshot read(Buffer body) {
        long now = clock.millis() / 1000;
        List<String> revokedKids = new ArrayList<>();
        long last = SnapshotReader.read(body, entry -> {
            list.add(entry, now);
            if (entry.type() == RevocationEntry.Type.KID) {
                revokedKids.add(entry.value());
            }
        });
        return new Snapshot(last, revokedKids);
    }

    private Future<Void> openStream(URI base, long current) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setAbsoluteURI(base + "/stream")
                .setConnectTimeout(REQUEST_TIMEOUT_MS)
                .putHeader(HttpHeaders.AUTHORIZATION, authorization)
                .putHeader(HttpHeaders.ACCEPT, "text/event-stream")
                .putHeader("Last-Event-ID", Long.toString(lastSeq));
        return httpClient.request(options).compose(request -> {
            stream = request;
            streamHeardMillis = clock.millis();
            return request.send().compose(response -> follow(request, response, current));
        });
    }

    private Future<Void> follow(HttpClientRequest request, HttpClientResponse response, long current) {
        if (response.statusCode() != 200) {
            request.reset();
            return Future.failedFuture("stream status " + response.statusCode());
        }
        SseParser parser = new SseParser(event -> {
            if ("revoked".equals(event.type())) {
                apply(RevocationEntry.from(new JsonObject(event.data())));
            }
        });
        response.handler(buffer -> {
            if (current != attempt) {
                return;
            }
            streamHeardMillis = clock.millis();
            delays.reset();
            try {
                parser.feed(buffer);
                heard();
            } catch (RuntimeException e) {
                // The upstream's fault, handled by reconnecting: one line naming what was wrong, no trace.
                LOG.warn("Revocation stream sent an unreadable event; reconnecting", e);
                request.reset();
            }
        });
        response.exceptionHandler(e -> streamEnded(request, current));
        response.endHandler(v -> streamEnded(request, current));
        return Future.succeededFuture();
    }

    private void apply(RevocationEntry entry) {
        list.add(entry, clock.millis() / 1000);
        lastSeq = entry.seq();
        if (entry.type() == RevocationEntry.Type.KID) {
            keyRevoked(entry.value());
        }
    }

    private void keyRevoked(String kid) {
        LOG.warn("Signing key {} revoked", kid);
        onKeyRevoked.accept(kid);
    }

    private void streamEnded(HttpClientRequest request, long current) {
        if (stream == request) {
            stream = null;
        }
        if (current == attempt && !closed) {
            LOG.info("Revocation stream closed; reconnecting");
            retryLater(current);
        }
    }

    private void retryLater(long current) {
        if (closed || current != attempt) {
            return;
        }
        long next = ++attempt;
        endpoint = (endpoint + 1) % listEndpoints.size();
        vertx.setTimer(delays.next(), id -> connect(next));
    }

    private void watch() {
        long now = clock.millis();
        list.prune(now / 1000);
        // Heartbeats come at least every 15 s; a stream quiet for 2/3 of the (30 s) bound is presumed dead and
        // replaced before the verifier has to fail closed.
        if (stream != null && now - streamHeardMillis > stalenessBound.toMillis() * 2 / 3) {
            LOG.warn("Revocation stream silent for {} ms; reconnecting", now - streamHeardMillis);
            HttpClientRequest silent = stream;
            stream = null;
            long current = attempt;
            silent.reset();
            retryLater(current);
        }
    }

    private void heard() {
        lastHeardMillis = clock.millis();
    }
}
