package io.latchkey.keys.keys;

import io.latchkey.common.StartException;
import io.latchkey.keys.crypto.KeySealer;
import io.latchkey.keys.keys.KeyRepository.RevocationOutcome;
import io.latchkey.keys.metrics.KeyMetrics;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the life of the signing keys: at start it checks the KEK against the stored keys and makes sure a key
 * signs; then it generates each next key {@code publishAhead} before it must sign, rotates on request and hands
 * signing over on an emergency revocation. Keys are generated on a worker before the generation lock is taken;
 * under the lock the repository re-checks whether a key is still due, so of two replicas only one stores one.
 */
public final class KeyLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLifecycle.class);

    /**
     * Added to publish-ahead before a new key signs: every replica refreshes within 900 ms (more under heavy
     * load), so each has the key in its JWKS for the whole publish-ahead before any replica signs with it.
     */
    static final Duration REPLICA_PROPAGATION = Duration.ofSeconds(2);

    private final KeyRepository repository;
    private final KeyRing ring;
    private final KeyGenerator generator;
    private final KeySealer sealer;
    private final Vertx vertx;
    private final Duration rotation;
    private final Duration publishAhead;
    private final Duration retireGrace;
    private final AtomicBoolean generating = new AtomicBoolean();
    private final KeyMetrics metrics;

    /**
     * @param retireGrace how long a key stays in the JWKS after its last signature: the access-token TTL + 60 s
     */
    public KeyLifecycle(
            KeyRepository repository,
            KeyRing ring,
            KeyGenerator generator,
            KeySealer sealer,
            Vertx vertx,
            Duration rotation,
            Duration publishAhead,
            Duration retireGrace,
            KeyMetrics metrics) {
        this.metrics = metrics;
        this.repository = repository;
        this.ring = ring;
        this.generator = generator;
        this.sealer = sealer;
        this.vertx = vertx;
        this.rotation = rotation;
        this.publishAhead = publishAhead.plus(REPLICA_PROPAGATION);
        this.retireGrace = retireGrace;
    }

    /** Checks the KEK, loads the keys and makes sure one signs (generating the first at first start). */
    public Future<Void> start() {
        return repository
                .live(ring.now())
                .compose(live -> {
                    Set<String> foreign = KeyRing.foreignFingerprints(live, sealer);
                    if (!foreign.isEmpty()) {
                        return Future.failedFuture(new StartException("LATCHKEY_KEK: the stored signing keys were"
                                + " sealed under another KEK (fingerprint " + String.join(", ", foreign)
                                + "; this KEK's is " + sealer.fingerprint()
                                + "); start with the KEK that sealed them. No key was generated."));
                    }
                    return ring.refresh();
                })
                .compose(v -> ensureNextKey())
                .compose(v -> ring.signingKeyAt(ring.now()).isPresent()
                        ? Future.succeededFuture()
                        : Future.failedFuture(new StartException("no signing key could be loaded")));
    }

    /** Whether a key must be generated now: none is stored, or the next rotation is within publish-ahead. */
    public boolean keyDue(Instant now) {
        Optional<KeyRecord> newest = ring.newest();
        return newest.isEmpty()
                || !now.isBefore(newest.get().activateAt().plus(rotation).minus(publishAhead));
    }

    /**
     * Generates and stores the next key if one is due; the periodic tick of every replica. A tick while this
     * replica is still generating does nothing, so a slow generation never piles up more of them.
     */
    public Future<Void> ensureNextKey() {
        if (!keyDue(ring.now()) || !generating.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return generate()
                .compose(key -> repository
                        .insertIfDue(key, ring.now(), rotation, publishAhead, retireGrace)
                        .onSuccess(stored -> {
                            if (stored) {
                                metrics.generated();
                                LOG.info("generated signing key {}", key.kid());
                            }
                        }))
                .compose(stored -> ring.refresh())
                .onComplete(done -> generating.set(false));
    }

    /** Brings the next rotation forward: a new key is published now and signs once publish-ahead has passed. */
    public Future<KeyRecord> rotate() {
        return generate()
                .compose(key -> repository.insertRotation(key, ring.now(), publishAhead, retireGrace))
                .compose(stored -> {
                    metrics.generated();
                    LOG.info(
                            "rotation requested: signing key {} published, signs from {}",
                            stored.kid(),
                            stored.activateAt());
                    return ring.refresh().map(stored);
                });
    }

    /**
     * Revokes a key at once. If it was signing, the next published key or a freshly generated one signs from
     * now on, so issuance never stops.
     */
    public Future<RevocationOutcome> revoke(String kid) {
        Instant now = ring.now();
        boolean signing = ring.signingKeyAt(now).map(k -> k.kid().equals(kid)).orElse(false);
        boolean successorPublished = ring.live().stream().anyMatch(k -> k.stateAt(now) == KeyState.PUBLISHED);
        Future<Optional<NewKey>> spare = signing && !successorPublished
                ? generate().map(Optional::of)
                : Future.succeededFuture(Optional.empty());
        return spare.compose(s -> repository.revoke(kid, ring.now(), s, retireGrace))
                .compose(outcome -> outcome.status() == RevocationOutcome.Status.NEEDS_SPARE
                        ? generate().compose(s -> repository.revoke(kid, ring.now(), Optional.of(s), retireGrace))
                        : Future.succeededFuture(outcome))
                .compose(outcome -> {
                    if (outcome.status() == RevocationOutcome.Status.REVOKED) {
                        metrics.revoked();
                        LOG.warn(
                                "signing key {} revoked; signing continues with {}",
                                kid,
                                outcome.successorKid().orElse("the current key"));
                    }
                    return ring.refresh().map(outcome);
                });
    }

    private Future<NewKey> generate() {
        return vertx.executeBlocking(generator::generate, false);
    }
}
