package io.latchkey.verifier.jwks;

import io.latchkey.verifier.TokenRejected;
import io.latchkey.verifier.TokenRejected.Reason;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The key service's public keys, fetched from the JWKS and kept for as long as its {@code Cache-Control} allows,
 * revalidated with {@code If-None-Match}. A token naming an unknown {@code kid} triggers a refetch, at most one at a
 * time (every waiting request shares it) and at most once per {@code minRefetchInterval}, so a flood of forged kids
 * cannot turn into a flood of JWKS requests. When the JWKS cannot be fetched the last good keys stay in use.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7517#section-5">RFC 7517 §5</a>
 * @see <a href="https://www.rfc-editor.org/rfc/rfc8725#section-3.10">RFC 8725 §3.10</a>
 */
public final class JwksCache {
    /** After a kid revocation: how long, and how often, unknown kids may refetch the JWKS. */
    private static final Duration FAST_REFETCH_WINDOW = Duration.ofSeconds(10);

    private static final Duration FAST_REFETCH_INTERVAL = Duration.ofMillis(250);

    private static final Logger LOG = LoggerFactory.getLogger(JwksCache.class);
    private static final Duration DEFAULT_MAX_AGE = Duration.ofMinutes(5);
    private static final Duration LONGEST_MAX_AGE = Duration.ofHours(1);
    private static final long REQUEST_TIMEOUT_MS = 5_000;

    private final Vertx vertx;
    private final WebClient client;
    private final URI jwksUrl;
    private final Duration minRefetchInterval;
    private volatile long fastRefetchUntilMillis;
    private final Clock clock;
    private final Consumer<Refresh> refreshes;

    private volatile Map<String, VerificationKey> keys = Map.of();
    private volatile boolean loaded;
    private volatile boolean closed;
    // Guarded by this.
    private String etag;
    private Future<Void> inFlight;
    private long lastFetchStartedMillis = Long.MIN_VALUE / 2;
    private long refreshTimer = -1;

    /** How a JWKS fetch ended, for the verifier's counters. */
    public enum Refresh {
        LOADED,
        NOT_MODIFIED,
        FAILED
    }

    public JwksCache(
            Vertx vertx,
            WebClient client,
            URI jwksUrl,
            Duration minRefetchInterval,
            Clock clock,
            Consumer<Refresh> refreshes) {
        this.vertx = vertx;
        this.client = client;
        this.jwksUrl = jwksUrl;
        this.minRefetchInterval = minRefetchInterval;
        this.clock = clock;
        this.refreshes = refreshes;
    }

    /** Fetches the keys now and keeps refreshing them; the future fails when the first fetch fails. */
    public Future<Void> start() {
        return refresh();
    }

    /** Whether a JWKS was loaded at least once. */
    public boolean loaded() {
        return loaded;
    }

    /** The key for {@code kid}, refetching the JWKS when it is unknown and the rate limit allows. */
    public Future<VerificationKey> key(String kid) {
        VerificationKey key = keys.get(kid);
        if (key != null) {
            return Future.succeededFuture(key);
        }
        Future<Void> pending;
        synchronized (this) {
            if (inFlight != null) {
                pending = inFlight;
            } else if (clock.millis() - lastFetchStartedMillis < refetchIntervalMillis()) {
                return unknown(kid);
            } else {
                pending = refresh();
            }
        }
        return pending.transform(ar -> {
            VerificationKey fetched = keys.get(kid);
            return fetched != null ? Future.succeededFuture(fetched) : unknown(kid);
        });
    }

    /** Keys currently known. */
    public int size() {
        return keys.size();
    }

    /**
     * Drops a revoked key at once rather than at the next refresh. An emergency revocation hands signing to a
     * successor this cache may not hold yet, so for a short while unknown kids may refetch far sooner than the
     * usual interval (still one fetch at a time); only the authenticated feed calls this, so forged kids cannot.
     */
    public void forget(String kid) {
        if (keys.containsKey(kid)) {
            Map<String, VerificationKey> remaining = new HashMap<>(keys);
            remaining.remove(kid);
            keys = Map.copyOf(remaining);
        }
        fastRefetchUntilMillis = clock.millis() + FAST_REFETCH_WINDOW.toMillis();
    }

    private long refetchIntervalMillis() {
        return clock.millis() < fastRefetchUntilMillis
                ? Math.min(FAST_REFETCH_INTERVAL.toMillis(), minRefetchInterval.toMillis())
                : minRefetchInterval.toMillis();
    }

    public synchronized void close() {
        closed = true;
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
    }

    /** Starts a fetch unless one is running, in which case the caller shares it. */
    synchronized Future<Void> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        lastFetchStartedMillis = clock.millis();
        Future<Void> fetch = fetch();
        inFlight = fetch;
        fetch.onComplete(ar -> {
            synchronized (this) {
                inFlight = null;
            }
        });
        return fetch;
    }

    private Future<Void> fetch() {
        HttpRequest<Buffer> request = client.getAbs(jwksUrl.toString()).timeout(REQUEST_TIMEOUT_MS);
        String knownEtag;
        synchronized (this) {
            knownEtag = etag;
        }
        if (knownEtag != null && loaded) {
            request.putHeader(HttpHeaders.IF_NONE_MATCH.toString(), knownEtag);
        }
        return request.send().compose(this::accept).onComplete(ar -> {
            if (ar.failed()) {
                refreshes.accept(Refresh.FAILED);
                LOG.warn(
                        "JWKS fetch from {} failed ({}); keeping {} known keys",
                        jwksUrl,
                        ar.cause().getMessage(),
                        keys.size());
                scheduleRefresh(minRefetchInterval);
            }
        });
    }

    private Future<Void> accept(HttpResponse<Buffer> response) {
        Duration maxAge = CacheControl.maxAge(response.getHeader(HttpHeaders.CACHE_CONTROL.toString()))
                .orElse(DEFAULT_MAX_AGE);
        if (response.statusCode() == 304 && loaded) {
            refreshes.accept(Refresh.NOT_MODIFIED);
            scheduleRefresh(maxAge);
            return Future.succeededFuture();
        }
        if (response.statusCode() != 200) {
            return Future.failedFuture("status " + response.statusCode());
        }
        Map<String, VerificationKey> parsed;
        try {
            parsed = JwkSetParser.parse(response.bodyAsJsonObject());
        } catch (RuntimeException e) {
            return Future.failedFuture("not a JWK Set");
        }
        keys = parsed;
        loaded = true;
        refreshes.accept(Refresh.LOADED);
        synchronized (this) {
            etag = response.getHeader(HttpHeaders.ETAG.toString());
        }
        LOG.debug("JWKS loaded: {} keys, next refresh in {}", parsed.size(), maxAge);
        scheduleRefresh(maxAge);
        return Future.succeededFuture();
    }

    private synchronized void scheduleRefresh(Duration maxAge) {
        if (closed) {
            return;
        }
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
        long delay = Math.max(minRefetchInterval.toMillis(), Math.min(maxAge.toMillis(), LONGEST_MAX_AGE.toMillis()));
        refreshTimer = vertx.setTimer(delay, id -> {
            synchronized (this) {
                refreshTimer = -1;
            }
            refresh();
        });
    }

    private static Future<VerificationKey> unknown(String kid) {
        return Future.failedFuture(new TokenRejected(Reason.UNKNOWN_KEY, "no key " + kid));
    }
}
