package io.latchkey.auth.client;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which browser origins may call the token and revocation endpoints across origins (CORS). The actual request is
 * allowed for an origin that the client it authenticates as lists in {@code allowed_cors_origins} ({@link
 * #listedBy}); the preflight before it, which carries no credentials, for an origin that any enabled client lists
 * ({@link #listedByAnyClient}).
 *
 * <p>The preflight's answer comes from a snapshot, not from a query per preflight: one statement reads every
 * enabled client's origins, and all event loops share the answer for {@link #TTL} (30 s). That costs one small
 * query per replica per 30 s whatever the traffic; an origin a stranger makes up costs no query and fills no
 * cache; and it needs no index (a lookup per origin would want a GIN index on the array, that is, a migration).
 * Being up to 30 s stale is harmless: a preflight only lets the browser send its request, and the answer to that
 * request is readable only when the client it authenticates as, read fresh, lists the origin. A failed refresh
 * keeps the previous snapshot and is tried again by the next preflight.
 *
 * <p>An origin is compared as an exact string, the way browsers serialise it (scheme, host and port; lower case; no
 * default port; no path). A value that cannot be the serialised origin of a web page never matches, whatever a
 * client lists: {@code null} (sandboxed frames, local files, redirects), anything over {@value #MAX_LENGTH}
 * characters, anything with a character outside visible ASCII.
 *
 * @see <a href="https://fetch.spec.whatwg.org/#http-cors-protocol">Fetch: the CORS protocol</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6454#section-6.2">RFC 6454 §6.2</a>
 */
public final class CorsOrigins {
    public static final Duration TTL = Duration.ofSeconds(30);
    /** A scheme, a 253-character host name and a port fit well within this. */
    static final int MAX_LENGTH = 300;

    private static final Logger LOG = LoggerFactory.getLogger(CorsOrigins.class);

    private final CorsOriginRepository repository;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final AtomicReference<Future<Set<String>>> refreshing = new AtomicReference<>();
    private volatile Snapshot snapshot;

    public CorsOrigins(CorsOriginRepository repository, Duration ttl, LongSupplier nanoTime) {
        this.repository = repository;
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Whether {@code origin} (an {@code Origin} header value) is one a client may list at all. */
    public static boolean wellFormed(String origin) {
        if (origin == null || origin.isEmpty() || origin.length() > MAX_LENGTH || origin.equals("null")) {
            return false;
        }
        for (int i = 0; i < origin.length(); i++) {
            char c = origin.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return origin.contains("://");
    }

    /** Whether {@code client} lists {@code origin}: the actual request's answer may then be read by that page. */
    public static boolean listedBy(Client client, String origin) {
        return wellFormed(origin) && client.metadata().allowedCorsOrigins().contains(origin);
    }

    /**
     * Whether some enabled client lists {@code origin}: a preflight from that page is then answered with the
     * methods and headers the endpoint allows. Completes on the caller's context.
     */
    public Future<Boolean> listedByAnyClient(String origin) {
        if (!wellFormed(origin)) {
            return Future.succeededFuture(false);
        }
        Snapshot current = snapshot;
        if (current != null && nanoTime.getAsLong() - current.readAt() < ttlNanos) {
            return Future.succeededFuture(current.origins().contains(origin));
        }
        return onCallerContext(refresh()).map(origins -> origins.contains(origin));
    }

    /** One read at a time, shared by every caller that finds the snapshot stale while it runs. */
    private Future<Set<String>> refresh() {
        Promise<Set<String>> promise = Promise.promise();
        Future<Set<String>> running = refreshing.compareAndExchange(null, promise.future());
        if (running != null) {
            return running;
        }
        Snapshot previous = snapshot;
        long started = nanoTime.getAsLong();
        // compose turns a repository that throws into a failed future, so the refresh always ends.
        Future.succeededFuture().compose(v -> repository.enabledClientOrigins()).onComplete(read -> {
            if (read.succeeded()) {
                snapshot = new Snapshot(read.result(), started);
            }
            refreshing.set(null);
            if (read.succeeded()) {
                promise.complete(read.result());
            } else if (previous != null) {
                LOG.warn("CORS origins not refreshed; the previous ones stay in use", read.cause());
                promise.complete(previous.origins());
            } else {
                promise.fail(read.cause());
            }
        });
        return promise.future();
    }

    /** The shared read completes on whichever loop started it; each caller continues on its own. */
    private static <T> Future<T> onCallerContext(Future<T> shared) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return shared;
        }
        Promise<T> promise = Promise.promise();
        shared.onComplete(result -> {
            if (Vertx.currentContext() == caller) {
                promise.handle(result);
            } else {
                caller.runOnContext(v -> promise.handle(result));
            }
        });
        return promise.future();
    }

    private record Snapshot(Set<String> origins, long readAt) {}
}
