package io.latchkey.auth.feed;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's follower of the revocation list, and the one place that broadcasts new entries to its streams.
 * It holds one PostgreSQL {@code LISTEN latchkey_revocations} connection (reconnecting for ever). A notification
 * only says "something committed": on each one, on every (re)connect and periodically as a safety net, it reads
 * {@code WHERE seq > last_seen ORDER BY seq} and hands each new entry to every stream in that order, so a lost or
 * coalesced notification delays nothing beyond the next read and loses nothing. Because writers append under one
 * advisory lock, seq order is commit order and a read never sees seq n+1 without n.
 *
 * <p>The feed is healthy while LISTEN is up and a read has succeeded since it (re)connected; only then do streams
 * get heartbeats and new streams open. When it stops being healthy it ends every stream, so clients reconnect
 * (perhaps to another replica) instead of trusting a silent one. Confined to the event loop that calls
 * {@link #start()}: a stream opened on another event loop (one listener per loop shares this feed) joins on the
 * feed's loop, or a batch broadcast during its join could pass it by.
 *
 * @see <a href="https://www.postgresql.org/docs/current/sql-notify.html">PostgreSQL NOTIFY</a>
 */
public final class RevocationFeed {
    static final String CHANNEL = "latchkey_revocations";
    private static final Logger LOG = LoggerFactory.getLogger(RevocationFeed.class);
    private static final int READ_BATCH = 1_000;
    private static final long MAX_RECONNECT_DELAY_MS = 5_000;
    /** Generous: a busy database must not look dead, only one that stopped answering. */
    private static final long MIN_PING_TIMEOUT_MS = 10_000;
    /** A mass of slow clients (a network partition) must not flood the log: one line per interval at most. */
    private static final long DROP_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final Vertx vertx;
    private final RevocationFeedRepository repository;
    private final PgConnectOptions listenOptions;
    private final FeedSettings settings;
    private final Set<FeedSubscriber> subscribers = new LinkedHashSet<>();
    private final Promise<Void> firstHealthy = Promise.promise();

    private Context context;
    private PgSubscriber listener;
    private long lastSeen = -1;
    private long connection;
    private boolean listening;
    private volatile boolean healthy;
    private boolean reading;
    private boolean readAgain;
    private boolean stopped;
    private boolean pinging;
    private long heartbeatTimer = -1;
    private long safetyNetTimer = -1;
    // Written on the feed's loop only; read by the metrics scrape. droppedAtLastLog is 0 until the first line.
    private volatile long droppedStreams;
    private long droppedAtLastLog;
    private long lastDropLogNanos;

    /**
     * @param listenOptions where to LISTEN: the same database as {@code repository}'s pool; this connection is
     *     extra to the pool
     */
    public RevocationFeed(
            Vertx vertx, RevocationFeedRepository repository, PgConnectOptions listenOptions, FeedSettings settings) {
        this.vertx = vertx;
        this.repository = repository;
        this.listenOptions = new PgConnectOptions(listenOptions).addProperty("application_name", "latchkey-feed");
        this.settings = settings;
    }

    /** Connects LISTEN; completes once the feed is first healthy (LISTEN up, then one read done). */
    public Future<Void> start() {
        context = vertx.getOrCreateContext();
        listener = PgSubscriber.subscriber(vertx, listenOptions).reconnectPolicy(this::listenLost);
        listener.closeHandler(v -> listenLost(0));
        listener.channel(CHANNEL).subscribeHandler(v -> listening()).handler(payload -> catchUp());
        heartbeatTimer = vertx.setPeriodic(settings.heartbeatInterval().toMillis(), id -> heartbeat());
        safetyNetTimer = vertx.setPeriodic(settings.catchUpInterval().toMillis(), id -> safetyNet());
        return listener.connect().compose(v -> firstHealthy.future());
    }

    /** Ends every stream and closes the LISTEN connection. */
    public Future<Void> stop() {
        stopped = true;
        listening = false;
        vertx.cancelTimer(heartbeatTimer);
        vertx.cancelTimer(safetyNetTimer);
        setHealthy(false);
        return listener == null ? Future.succeededFuture() : listener.close();
    }

    /** Whether streams are being served: for readiness. */
    public boolean healthy() {
        return healthy;
    }

    /** Open streams on this replica. */
    public int subscriberCount() {
        return subscribers.size();
    }

    /** Streams closed since start because they could not keep up (their write queue was full). */
    public long droppedStreams() {
        return droppedStreams;
    }

    /**
     * Attaches a stream to {@code response}: it receives the live entries of the cursor {@code initialRead} opens
     * (entries after the client's position), page by page as the connection drains, then every later entry. Call
     * only while {@link #healthy()}. The cursor is opened on the feed's event loop once the stream is attached, so an
     * entry that commits after it read the highest seq reaches the stream by broadcast, one that commits before it is
     * in the pages, and one in both is sent once.
     *
     * @param unavailable run instead when the stream ends before it started (its first read failed, or the feed
     *     stopped being healthy meanwhile): the caller answers the request
     */
    public void subscribe(
            HttpServerResponse response, Supplier<Future<LiveListCursor>> initialRead, Runnable unavailable) {
        onFeedLoop(() -> attach(response, initialRead, unavailable));
    }

    private void attach(
            HttpServerResponse response, Supplier<Future<LiveListCursor>> initialRead, Runnable unavailable) {
        FeedSubscriber[] holder = new FeedSubscriber[1];
        FeedSubscriber subscriber = new FeedSubscriber(
                response,
                settings,
                () -> subscribers.remove(holder[0]),
                unavailable,
                this::streamDropped,
                this::onFeedLoop,
                context);
        holder[0] = subscriber;
        subscribers.add(subscriber);
        response.closeHandler(v -> onFeedLoop(subscriber::connectionClosed));
        response.exceptionHandler(e -> onFeedLoop(subscriber::connectionClosed));
        // The reads complete on their own terms; the join belongs on the feed's loop, in order with broadcasts.
        initialRead
                .get()
                .compose(cursor -> cursor.next()
                        .compose(first -> FeedSubscriber.render(context, first))
                        .map(first -> new FeedSubscriber.CatchUp(cursor, first)))
                .onComplete(read -> onFeedLoop(() -> {
                    if (read.succeeded()) {
                        subscriber.join(read.result());
                    } else {
                        LOG.warn(
                                "revocation stream: initial read failed ({})",
                                read.cause().getClass().getSimpleName());
                        subscriber.end();
                    }
                }));
    }

    private void streamDropped() {
        droppedStreams++;
        long now = System.nanoTime();
        if (droppedAtLastLog == 0 || now - lastDropLogNanos >= DROP_LOG_INTERVAL_NANOS) {
            LOG.info(
                    "revocation feed: closed {} stream(s) that could not keep up since the last such line; they resume"
                            + " with Last-Event-ID",
                    droppedStreams - droppedAtLastLog);
            droppedAtLastLog = droppedStreams;
            lastDropLogNanos = now;
        }
    }

    /** Runs {@code work} on the feed's event loop: at once when already there, else queued to it. */
    private void onFeedLoop(Runnable work) {
        if (Vertx.currentContext() == context) {
            work.run();
        } else {
            context.runOnContext(v -> work.run());
        }
    }

    private Long listenLost(Integer attempt) {
        if (stopped) {
            return -1L;
        }
        if (listening || healthy) {
            LOG.warn("revocation feed: LISTEN connection lost; ending streams and reconnecting");
        }
        listening = false;
        setHealthy(false);
        return Math.min(MAX_RECONNECT_DELAY_MS, 100L << Math.min(attempt, 6));
    }

    private void listening() {
        PgConnection listenConnection = listener.actualConnection();
        if (listenConnection != null) {
            // Its loss is reported through the reconnect policy; the exception itself says nothing more.
            listenConnection.exceptionHandler(e -> LOG.debug("revocation feed: LISTEN connection error", e));
        }
        connection++;
        listening = true;
        LOG.info("revocation feed: listening on {}", CHANNEL);
        catchUp();
    }

    private void catchUp() {
        if (stopped) {
            return;
        }
        if (reading) {
            readAgain = true;
            return;
        }
        reading = true;
        readAgain = false;
        long startedOn = connection;
        boolean wasListening = listening;
        Future<Boolean> read = lastSeen < 0
                // First read: nothing before now is owed to anyone (a new stream reads its own start).
                ? repository.highestSeq().map(highest -> {
                    lastSeen = highest;
                    return false;
                })
                : repository.after(lastSeen, READ_BATCH).map(entries -> {
                    broadcast(entries);
                    return entries.size() == READ_BATCH;
                });
        read.onComplete(ar -> {
            reading = false;
            if (ar.failed()) {
                LOG.warn(
                        "revocation feed: catch-up read failed ({})",
                        ar.cause().getClass().getSimpleName());
                setHealthy(false);
                return;
            }
            if (ar.result()) {
                readAgain = true;
            }
            if (wasListening && listening && startedOn == connection) {
                setHealthy(true);
            }
            if (readAgain) {
                catchUp();
            }
        });
    }

    private void broadcast(List<RevocationEntry> entries) {
        List<RevocationEntry> fresh =
                entries.stream().filter(e -> e.seq() > lastSeen).toList();
        if (fresh.isEmpty()) {
            return;
        }
        lastSeen = fresh.get(fresh.size() - 1).seq();
        // One buffer and one write per stream for the whole batch: under load reads return more entries at once,
        // so the fan-out cost per entry falls as the rate rises.
        EventBatch batch = new EventBatch(fresh);
        for (FeedSubscriber subscriber : new ArrayList<>(subscribers)) {
            subscriber.deliver(batch);
        }
    }

    private void heartbeat() {
        if (!healthy) {
            return;
        }
        for (FeedSubscriber subscriber : new ArrayList<>(subscribers)) {
            subscriber.heartbeat();
        }
    }

    /** A read without a notification, and a ping that exposes a LISTEN connection that died silently. */
    private void safetyNet() {
        PgConnection listenConnection = listener.actualConnection();
        if (listening && listenConnection != null && !pinging) {
            pinging = true;
            repository
                    .ping(listenConnection)
                    .timeout(
                            Math.max(
                                    MIN_PING_TIMEOUT_MS,
                                    settings.catchUpInterval().toMillis()),
                            TimeUnit.MILLISECONDS)
                    .onComplete(ar -> pinging = false)
                    .onFailure(e -> {
                        LOG.warn("revocation feed: LISTEN connection does not answer; reconnecting");
                        listenConnection.close();
                    });
        }
        catchUp();
    }

    private void setHealthy(boolean now) {
        boolean was = healthy;
        healthy = now;
        if (now) {
            if (!was) {
                firstHealthy.tryComplete();
            }
            return;
        }
        for (FeedSubscriber subscriber : new ArrayList<>(subscribers)) {
            subscriber.end();
        }
    }
}
