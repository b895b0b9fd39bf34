package io.latchkey.keys.keys;

import io.latchkey.common.StartException;
import io.latchkey.keys.crypto.KeySealer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives the life of one ring's signing keys (one algorithm): at start it checks the KEK against the stored keys and makes sure a key
 * signs; then its own periodic tick generates each next key when the {@link RotationSchedule} says it is due; it
 * rotates on request and hands signing over on an emergency revocation. Keys are generated on a worker before the
 * generation lock is taken; under the lock the repository asks the schedule again with the stored keys, so of two
 * replicas only one stores one.
 */
public final class KeyLifecycle {
    private static final Logger LOG = LoggerFactory.getLogger(KeyLifecycle.class);

    private final KeyRepository repository;
    private final KeyRing ring;
    private final KeyGenerator generator;
    private final KeySealer sealer;
    private final Vertx vertx;
    private final RotationSchedule schedule;
    private final Duration retireGrace;
    private final KeyEvents events;
    private final AtomicBoolean generating = new AtomicBoolean();
    private long timer = -1;

    /**
     * @param retireGrace how long a key stays in the JWKS after its last signature: the access-token TTL + 60 s
     */
    public KeyLifecycle(
            KeyRepository repository,
            KeyRing ring,
            KeyGenerator generator,
            KeySealer sealer,
            Vertx vertx,
            RotationSchedule schedule,
            Duration retireGrace,
            KeyEvents events) {
        this.repository = repository;
        this.ring = ring;
        this.generator = generator;
        this.sealer = sealer;
        this.vertx = vertx;
        this.schedule = schedule;
        this.retireGrace = retireGrace;
        this.events = events;
    }

    /**
     * Checks the KEK, loads the keys and makes sure one signs (generating the first at first start), then checks
     * every {@link RotationSchedule#checkInterval()} whether the next key is due, until {@link #stop()}.
     */
    public Future<Void> start() {
        return repository
                .live(ring.now())
                .compose(live -> {
                    Set<String> foreign = foreignFingerprints(live);
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
                        ? Future.<Void>succeededFuture()
                        : Future.<Void>failedFuture(
                                new StartException("no " + generator.algorithm() + " signing key could be loaded")))
                .onSuccess(
                        v -> timer = vertx.setPeriodic(schedule.checkInterval().toMillis(), id -> tick()));
    }

    /** One periodic check; a failed one waits for the next. */
    private void tick() {
        ensureNextKey()
                .onFailure(e -> LOG.warn(
                        "{} key rotation check failed: {}",
                        generator.algorithm(),
                        e.getClass().getSimpleName()));
    }

    /** Stops the periodic check; a generation already under way completes. */
    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    /**
     * Generates and stores the next key if one is due. A tick while this replica is still generating does
     * nothing, so a slow generation never piles up more of them.
     */
    private Future<Void> ensureNextKey() {
        Optional<Instant> newest = ring.newest().map(KeyRecord::activateAt);
        if (!schedule.due(newest, ring.now()) || !generating.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return generate()
                .compose(key -> repository
                        .insertIfDue(key, ring.now(), schedule, retireGrace)
                        .onSuccess(stored -> {
                            if (stored) {
                                events.generated();
                                LOG.info("generated {} signing key {}", generator.algorithm(), key.kid());
                            }
                        }))
                .compose(stored -> ring.refresh())
                .onComplete(done -> generating.set(false));
    }

    /** Brings the next rotation forward: a new key is published now and signs once the lead has passed. */
    public Future<KeyRecord> rotate() {
        return generate()
                .compose(key -> repository.insertRotation(key, ring.now(), schedule.lead(), retireGrace))
                .compose(stored -> {
                    events.generated();
                    LOG.info(
                            "rotation requested: {} signing key {} published, signs from {}",
                            generator.algorithm(),
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
                        events.revoked();
                        LOG.warn(
                                "{} signing key {} revoked; signing continues with {}",
                                generator.algorithm(),
                                kid,
                                outcome.successorKid().orElse("the current key"));
                    }
                    return ring.refresh().map(outcome);
                });
    }

    private Future<NewKey> generate() {
        return vertx.executeBlocking(generator::generate, false);
    }

    /** The fingerprints, other than this KEK's, that live keys were sealed under. */
    private Set<String> foreignFingerprints(List<KeyRecord> live) {
        Set<String> foreign = new HashSet<>();
        for (KeyRecord key : live) {
            if (!sealer.matches(key.kekFingerprint())) {
                foreign.add(key.kekFingerprint());
            }
        }
        return foreign;
    }
}
