package io.latchkey.auth.backchannel;

import io.latchkey.auth.token.TokenSigner;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the outbox's logout tokens (Back-Channel Logout 1.0 §2.5): woken at once by the NOTIFY an enqueue
 * commits with, and every second as a safety net, it claims due rows (rows another replica holds are skipped),
 * signs each logout token at key-service ({@code typ} {@code logout+jwt}) and POSTs it as {@code logout_token} to
 * the app, never following a redirect. A 2xx marks the row delivered, so a (session, client) pair is answered
 * once; anything else is tried again with doubling back-off up to a bound, then abandoned. A claim is a lease: a
 * replica killed mid-delivery leaves its rows to come due again, so nothing committed is lost, and the only repeat
 * an app can see is one it may drop by the token's {@code jti}, which every attempt of a row shares. Nothing here
 * runs on a request's path: a logout's response never waits for a delivery.
 */
public final class BackchannelDelivery {
    private static final Logger LOG = LoggerFactory.getLogger(BackchannelDelivery.class);
    static final String CHANNEL = "latchkey_backchannel";
    static final String EVENT = "http://schemas.openid.net/event/backchannel-logout";
    static final long LOGOUT_TOKEN_SECONDS = 120;
    /** A delivery out longer than this is waiting on a slow app and gives its slot back. */
    static final long SLOW_MS = 500;

    private final Vertx vertx;
    private final Pool pool;
    private final BackchannelOutbox outbox;
    private final TokenSigner signer;
    private final String issuer;
    private final PgConnectOptions listenOptions;
    private final Settings settings;
    private final Clock clock;
    private final WebClient http;
    private final AtomicLong pending = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong abandoned = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();

    private PgSubscriber subscriber;
    private long pollTimer = -1;
    private long countTimer = -1;
    private boolean claiming;
    private int inFlight;
    private List<Long> unmarked = new ArrayList<>();
    private Promise<Void> nextMark;
    private boolean marking;
    private boolean again;
    private volatile boolean stopped;

    /**
     * Bounds of the worker; {@link #DEFAULTS} in production, shorter in tests. {@code batch} is the most deliveries
     * out at once (apart from slow ones), claimed in statements of at least half of it.
     */
    public record Settings(
            int batch,
            Duration lease,
            Duration poll,
            Duration timeout,
            Duration firstRetry,
            Duration maxRetry,
            int maxAttempts) {
        /**
         * 32 out at once: on two cores more only lengthen the queues logouts wait in (the event loops, key-service,
         * the database pool) without draining faster. 12 attempts over about 20 minutes: 1 s doubling to 5 min.
         */
        public static final Settings DEFAULTS = new Settings(
                32,
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(5),
                Duration.ofSeconds(1),
                Duration.ofMinutes(5),
                12);
    }

    public BackchannelDelivery(
            Vertx vertx,
            Pool pool,
            BackchannelOutbox outbox,
            TokenSigner signer,
            String issuer,
            PgConnectOptions listenOptions,
            Settings settings,
            Clock clock) {
        this.vertx = vertx;
        this.pool = pool;
        this.outbox = outbox;
        this.signer = signer;
        this.issuer = issuer;
        this.listenOptions = listenOptions;
        this.settings = settings;
        this.clock = clock;
        this.http = WebClient.create(
                vertx,
                new WebClientOptions()
                        .setFollowRedirects(false)
                        .setConnectTimeout((int) settings.timeout().toMillis())
                        .setUserAgent("latchkey-backchannel-logout"),
                new PoolOptions().setHttp1MaxSize(32));
    }

    /** Listens and polls; a LISTEN that cannot connect yet leaves the poll to do the work until it does. */
    public Future<Void> start() {
        subscriber = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(retries -> 1_000L);
        subscriber.channel(CHANNEL).handler(payload -> drain());
        pollTimer = vertx.setPeriodic(settings.poll().toMillis(), id -> drain());
        countTimer = vertx.setPeriodic(5_000, id -> count());
        subscriber
                .connect()
                .onFailure(e -> LOG.warn(
                        "back-channel logout: LISTEN not connected yet ({}), polling meanwhile",
                        e.getClass().getSimpleName()));
        drain();
        return Future.succeededFuture();
    }

    public Future<Void> stop() {
        stopped = true;
        vertx.cancelTimer(pollTimer);
        vertx.cancelTimer(countTimer);
        http.close();
        return subscriber == null ? Future.succeededFuture() : subscriber.close();
    }

    public long pending() {
        return pending.get();
    }

    public long delivered() {
        return delivered.get();
    }

    public long abandoned() {
        return abandoned.get();
    }

    public long failedAttempts() {
        return failedAttempts.get();
    }

    /**
     * One claim at a time per replica, for as many rows as there are free slots of the {@link Settings#batch}
     * window, once at least half of it is free: the next claim does not wait for the slowest delivery of the last
     * one. A delivery still out after {@link #SLOW_MS} gives its slot back, so an app that answers slowly (or not at
     * all, until the timeout) delays only its own rows. A wake-up while claiming, or with too little room, claims
     * again once there is.
     */
    void drain() {
        if (stopped) {
            return;
        }
        int room = settings.batch() - inFlight;
        if (claiming || room < Math.max(1, settings.batch() / 2)) {
            again = true;
            return;
        }
        claiming = true;
        again = false;
        outbox.claimDue(pool, room, settings.lease()).onComplete(claimed -> {
            claiming = false;
            if (claimed.failed()) {
                LOG.warn(
                        "back-channel logout: claiming failed ({})",
                        claimed.cause().getClass().getSimpleName());
                return;
            }
            List<Delivery> rows = claimed.result();
            inFlight += rows.size();
            for (Delivery d : rows) {
                Runnable release = new Runnable() {
                    private boolean released;

                    @Override
                    public void run() {
                        if (!released) {
                            released = true;
                            inFlight--;
                            if (again) {
                                drain();
                            }
                        }
                    }
                };
                long slow = vertx.setTimer(SLOW_MS, id -> release.run());
                deliver(d).onComplete(done -> {
                    vertx.cancelTimer(slow);
                    release.run();
                });
            }
            if (rows.size() == room || again) {
                drain();
            }
        });
    }

    private Future<Void> deliver(Delivery d) {
        long now = clock.millis() / 1000;
        JsonObject claims = new JsonObject()
                .put("iss", issuer)
                .put("aud", d.clientId())
                .put("iat", now)
                .put("exp", now + LOGOUT_TOKEN_SECONDS)
                .put("jti", d.jti())
                .put("sid", d.sessionId().toString())
                .put("sub", d.subject())
                .put("events", new JsonObject().put(EVENT, new JsonObject()));
        return signer.sign(TokenSigner.LOGOUT_TOKEN, d.signingAlg(), claims)
                .compose(token -> http.postAbs(d.uri())
                        .timeout(settings.timeout().toMillis())
                        .sendForm(MultiMap.caseInsensitiveMultiMap().add("logout_token", token)))
                .transform(answer -> {
                    if (answer.succeeded() && answer.result().statusCode() / 100 == 2) {
                        delivered.incrementAndGet();
                        LOG.info("back-channel logout delivered client={} sid={}", d.clientId(), d.sessionId());
                        return markDelivered(d.id());
                    }
                    String error = answer.succeeded()
                            ? "HTTP " + answer.result().statusCode()
                            : answer.cause().getClass().getSimpleName();
                    return retryOrAbandon(d, error);
                })
                .recover(e -> {
                    LOG.warn(
                            "back-channel logout: recording an attempt failed ({})",
                            e.getClass().getSimpleName());
                    return Future.succeededFuture();
                });
    }

    /**
     * Marks a row delivered together with the others that came back meanwhile: one statement out at a time, so a
     * drain of hundreds of deliveries takes one of the pool's connections, not all of them, from the requests
     * (logouts among them) that share the pool.
     */
    private Future<Void> markDelivered(long id) {
        unmarked.add(id);
        if (nextMark == null) {
            nextMark = Promise.promise();
        }
        Future<Void> marked = nextMark.future();
        if (!marking) {
            flushMarks();
        }
        return marked;
    }

    private void flushMarks() {
        List<Long> ids = unmarked;
        Promise<Void> done = nextMark;
        unmarked = new ArrayList<>();
        nextMark = null;
        marking = true;
        outbox.delivered(pool, ids).onComplete(written -> {
            marking = false;
            done.handle(written);
            if (!unmarked.isEmpty()) {
                flushMarks();
            }
        });
    }

    private Future<Void> retryOrAbandon(Delivery d, String error) {
        failedAttempts.incrementAndGet();
        boolean abandon = d.attempts() >= settings.maxAttempts();
        long backoff = Math.min(
                settings.maxRetry().toMillis(),
                settings.firstRetry().toMillis() << Math.min(20, Math.max(0, d.attempts() - 1)));
        OffsetDateTime next = OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis() + backoff), ZoneOffset.UTC);
        if (abandon) {
            abandoned.incrementAndGet();
            LOG.warn(
                    "back-channel logout abandoned after {} attempts client={} sid={} last={}",
                    d.attempts(),
                    d.clientId(),
                    d.sessionId(),
                    error);
        } else {
            LOG.info(
                    "back-channel logout attempt {} failed client={} sid={} error={}",
                    d.attempts(),
                    d.clientId(),
                    d.sessionId(),
                    error);
        }
        return outbox.failed(pool, d.id(), error, next, abandon);
    }

    private void count() {
        outbox.pending(pool).onSuccess(pending::set);
    }
}
