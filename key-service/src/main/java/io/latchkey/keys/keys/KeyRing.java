package io.latchkey.keys.keys;

import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.crypto.SigningProvider;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's view of the stored keys of one algorithm (one ring of {@link KeyRings}): the live rows and the opened private keys of those that may still
 * sign. It is refreshed from PostgreSQL every fraction of a second, and the signing key is chosen from the
 * stored times at the moment of each signature, so replicas switch keys together and a revocation made by any
 * replica stops this one signing within one refresh.
 */
public final class KeyRing {
    private static final Logger LOG = LoggerFactory.getLogger(KeyRing.class);

    /**
     * A replica that cannot re-read the keys for this long stops signing: it could no longer learn of a revocation
     * made by another replica. Well above the refresh interval, so a slow refresh on a busy machine does not stop
     * issuance; the JWKS keeps serving the last keys read.
     */
    public static final Duration SIGNING_STALENESS_LIMIT = Duration.ofSeconds(5);

    private final KeyRepository repository;
    private final KeySealer sealer;
    private final SigningProvider provider;
    private final Vertx vertx;
    private final Clock clock;
    private final AtomicLong refreshes = new AtomicLong();
    private final Set<String> foreignKeysLogged = ConcurrentHashMap.newKeySet();
    private long installed = -1;
    private long refreshTimer = -1;
    /** Consecutive failed reads; touched only by the refresh timer's context. */
    private int failedRefreshes;

    private volatile Snapshot snapshot = new Snapshot(List.of(), Map.of(), Instant.MIN);

    public KeyRing(KeyRepository repository, KeySealer sealer, SigningProvider provider, Vertx vertx, Clock clock) {
        this.repository = repository;
        this.sealer = sealer;
        this.provider = provider;
        this.vertx = vertx;
        this.clock = clock;
    }

    /** The live rows and opened keys as read at {@code readAt}. */
    record Snapshot(List<KeyRecord> live, Map<String, SigningKey> signers, Instant readAt) {}

    public Instant now() {
        return clock.instant();
    }

    /**
     * Re-reads the keys every {@code interval} until {@link #stop()}. The first failed read of a run is logged (and
     * the read that works again), each is told to {@code events} and retried at the next one; signing stops once the
     * last good read is
     * {@link #SIGNING_STALENESS_LIMIT} old.
     */
    public void start(Duration interval, KeyEvents events) {
        // One line when reads start failing and one when they work again, not one per read (2 a second).
        refreshTimer = vertx.setPeriodic(interval.toMillis(), id -> refresh().onComplete(ar -> {
            if (ar.succeeded()) {
                if (failedRefreshes > 0) {
                    LOG.info("key refresh works again after {} failed reads", failedRefreshes);
                }
                failedRefreshes = 0;
                return;
            }
            events.refreshFailed();
            if (failedRefreshes++ == 0) {
                LOG.warn(
                        "key refresh failed: {}; retrying every {} ms, logged again once it works",
                        ar.cause().getClass().getSimpleName(),
                        interval.toMillis());
            }
        }));
    }

    /** Stops the periodic re-read; the keys last read stay in place. */
    public void stop() {
        if (refreshTimer >= 0) {
            vertx.cancelTimer(refreshTimer);
        }
    }

    /** Re-reads the live keys and opens the private keys it does not hold yet (on a worker). */
    public Future<Void> refresh() {
        long sequence = refreshes.incrementAndGet();
        Instant now = clock.instant();
        return repository.live(now).compose(live -> openMissing(live, now)).map(next -> {
            install(sequence, next);
            return null;
        });
    }

    /** The key that signs at {@code now}, if this replica holds it and has read the keys recently. */
    public Optional<SigningKey> signingKeyAt(Instant now) {
        Snapshot current = snapshot;
        if (current.readAt().plus(SIGNING_STALENESS_LIMIT).isBefore(now)) {
            return Optional.empty();
        }
        KeyRecord active = null;
        for (KeyRecord key : current.live()) {
            if (key.stateAt(now) == KeyState.ACTIVE
                    && (active == null || key.activateAt().isAfter(active.activateAt()))) {
                active = key;
            }
        }
        return active == null
                ? Optional.empty()
                : Optional.ofNullable(current.signers().get(active.kid()));
    }

    /** The keys in the JWKS at {@code now}, oldest activation first. */
    public List<KeyRecord> publishedAt(Instant now) {
        List<KeyRecord> published = new ArrayList<>();
        for (KeyRecord key : snapshot.live()) {
            if (key.publishedAt(now)) {
                published.add(key);
            }
        }
        return published;
    }

    /** The unrevoked key activated last (possibly still only published): rotations are scheduled from it. */
    public Optional<KeyRecord> newest() {
        return snapshot.live().stream().max(Comparator.comparing(KeyRecord::activateAt));
    }

    /** The live rows of the last refresh. */
    public List<KeyRecord> live() {
        return snapshot.live();
    }

    private synchronized void install(long sequence, Snapshot next) {
        // Refreshes may overlap; an older read finishing late must not undo a newer one (e.g. a revocation).
        if (sequence > installed) {
            installed = sequence;
            snapshot = next;
        }
    }

    private Future<Snapshot> openMissing(List<KeyRecord> live, Instant now) {
        Map<String, SigningKey> held = snapshot.signers();
        Map<String, SigningKey> kept = new HashMap<>();
        List<KeyRecord> missing = new ArrayList<>();
        for (KeyRecord key : live) {
            if (!key.maySignFrom(now)) {
                continue;
            }
            if (held.containsKey(key.kid())) {
                kept.put(key.kid(), held.get(key.kid()));
            } else if (sealer.matches(key.kekFingerprint())) {
                missing.add(key);
            } else if (foreignKeysLogged.add(key.kid())) {
                LOG.error(
                        "signing key {} was sealed under another KEK ({}); this replica cannot sign with it",
                        key.kid(),
                        key.kekFingerprint());
            }
        }
        if (missing.isEmpty()) {
            return Future.succeededFuture(new Snapshot(List.copyOf(live), Map.copyOf(kept), now));
        }
        List<Future<SigningKey>> opened = new ArrayList<>();
        for (KeyRecord key : missing) {
            opened.add(repository
                    .sealedPrivateKey(key.kid())
                    .compose(stored -> stored.isEmpty()
                            ? Future.succeededFuture(null)
                            : vertx.executeBlocking(() -> open(key, stored.get()), false))
                    .recover(failure -> {
                        LOG.error("signing key {} does not open", key.kid(), failure);
                        return Future.succeededFuture(null);
                    }));
        }
        return Future.all(opened).map(all -> {
            for (int i = 0; i < opened.size(); i++) {
                SigningKey key = opened.get(i).result();
                if (key != null) {
                    kept.put(key.kid(), key);
                }
            }
            return new Snapshot(List.copyOf(live), Map.copyOf(kept), now);
        });
    }

    private SigningKey open(KeyRecord key, byte[] sealed) throws GeneralSecurityException {
        byte[] pkcs8 = sealer.open(key.kid(), sealed);
        try {
            return new SigningKey(key.kid(), key.algorithm(), provider.privateKey(key.algorithm(), pkcs8));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
