package io.latchkey.auth.test;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A test subscriber of {@code /revocations/stream} over real HTTP: parses Server-Sent Events as they arrive and
 * completes waiters when what it has received satisfies them, so tests await conditions instead of sleeping.
 * Confined to the event loop of the client that opened it; tests read it through {@link #until}.
 */
public final class SseClient {
    /** One {@code revoked} event. */
    public record Event(String event, long id, JsonObject data) {}

    /** What the client had received when a condition held: safe to read on any thread. */
    public record Seen(List<Event> events, int comments, boolean ended) {
        public List<Long> ids() {
            return events.stream().map(Event::id).toList();
        }

        public long lastId() {
            return events.isEmpty() ? 0 : events.get(events.size() - 1).id();
        }
    }

    private record Waiter(Predicate<Seen> condition, Promise<Seen> promise) {}

    private final List<Event> events = new ArrayList<>();
    private final List<Waiter> waiters = new ArrayList<>();
    private final StringBuilder pending = new StringBuilder();
    private int comments;
    private boolean ended;
    private HttpClientResponse response;
    private Context context;
    private MultiMap headers;

    private SseClient() {}

    /** {@code GET /revocations/stream} on loopback {@code port}, from {@code lastEventId} when it is not null. */
    public static RequestOptions request(int port, String authorization, String lastEventId) {
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost("127.0.0.1")
                .setPort(port)
                .setURI("/revocations/stream")
                .putHeader("Authorization", authorization)
                .putHeader("Accept", "text/event-stream");
        if (lastEventId != null) {
            options.putHeader("Last-Event-ID", lastEventId);
        }
        return options;
    }

    /** Opens a stream; fails unless the answer is 200. */
    public static Future<SseClient> open(HttpClient http, int port, String authorization, String lastEventId) {
        SseClient client = new SseClient();
        return http.request(request(port, authorization, lastEventId))
                .compose(request -> request.send())
                .compose(response -> {
                    if (response.statusCode() != 200) {
                        return response.body()
                                .compose(body -> Future.failedFuture(new IllegalStateException(
                                        "stream answered " + response.statusCode() + " " + body)));
                    }
                    client.response = response;
                    client.context = Vertx.currentContext();
                    client.headers = response.headers();
                    response.handler(client::received);
                    response.endHandler(v -> client.closed());
                    response.exceptionHandler(e -> client.closed());
                    return Future.succeededFuture(client);
                });
    }

    /** Completes once what this client has received satisfies {@code condition}. */
    public Future<Seen> until(Predicate<Seen> condition) {
        Promise<Seen> promise = Promise.promise();
        context.runOnContext(v -> {
            Seen seen = seen();
            if (condition.test(seen)) {
                promise.complete(seen);
            } else {
                waiters.add(new Waiter(condition, promise));
            }
        });
        return promise.future();
    }

    /** Completes once this client holds at least {@code count} events. */
    public Future<Seen> untilEvents(int count) {
        return until(seen -> seen.events().size() >= count);
    }

    /** Completes once every one of {@code clients} has received the event with id {@code lastId} or a later one. */
    public static Future<List<Seen>> allUntil(List<SseClient> clients, long lastId) {
        return Future.all(clients.stream()
                        .map(c -> c.until(s -> s.lastId() >= lastId))
                        .toList())
                .map(all -> all.list());
    }

    /** Completes once the server has ended or cut the stream. */
    public Future<Seen> untilEnded() {
        return until(Seen::ended);
    }

    public MultiMap headers() {
        return headers;
    }

    public void close() {
        context.runOnContext(v -> response.request().connection().close());
    }

    private void received(Buffer chunk) {
        pending.append(chunk.toString());
        int end;
        while ((end = pending.indexOf("\n\n")) >= 0) {
            String block = pending.substring(0, end);
            pending.delete(0, end + 2);
            parse(block);
        }
        check();
    }

    private void parse(String block) {
        String event = null;
        Long id = null;
        String data = null;
        for (String line : block.split("\n")) {
            if (line.startsWith(":")) {
                comments++;
            } else if (line.startsWith("event: ")) {
                event = line.substring(7);
            } else if (line.startsWith("id: ")) {
                id = Long.parseLong(line.substring(4));
            } else if (line.startsWith("data: ")) {
                data = line.substring(6);
            }
        }
        if (event != null) {
            events.add(new Event(event, id, new JsonObject(data)));
        }
    }

    private void closed() {
        ended = true;
        check();
    }

    private Seen seen() {
        return new Seen(List.copyOf(events), comments, ended);
    }

    private void check() {
        if (waiters.isEmpty()) {
            return;
        }
        Seen seen = seen();
        for (Waiter waiter : new ArrayList<>(waiters)) {
            if (waiter.condition().test(seen)) {
                waiters.remove(waiter);
                waiter.promise().complete(seen);
            } else if (ended) {
                waiters.remove(waiter);
                waiter.promise().fail("the stream ended after " + seen.events().size() + " events");
            }
        }
    }
}
