package io.latchkey.keys.keys;

import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Storage of signing keys. Every write that changes which key signs runs in one transaction under the
 * key-generation lock, so replicas never both add a key for the same rotation.
 */
public interface KeyRepository {

    /** Keys neither revoked nor removed at {@code now}, oldest activation first. */
    Future<List<KeyRecord>> live(Instant now);

    /** Every stored key, newest first, for {@code GET /internal/keys}. */
    Future<List<KeyRecord>> all();

    /** The sealed private key of {@code kid}, if stored. */
    Future<Optional<byte[]>> sealedPrivateKey(String kid);

    /**
     * Stores {@code key} if, under the lock, {@code schedule} still finds a key due with the stored keys: then it
     * is published now and signs after the schedule's lead, or at once when it is the first key. Returns whether
     * it was stored.
     */
    Future<Boolean> insertIfDue(NewKey key, Instant now, RotationSchedule schedule, Duration retireGrace);

    /** Stores {@code key} published now and signing after {@code lead}: a rotation brought forward. */
    Future<KeyRecord> insertRotation(NewKey key, Instant now, Duration lead, Duration retireGrace);

    /**
     * Revokes {@code kid} at {@code now}, appends its {@code kid} revocation entry and, if it was signing, hands
     * signing to the next published key or to {@code spare}, all in one transaction. When it was signing and
     * neither can take over, nothing changes and the outcome says a spare is needed.
     */
    Future<RevocationOutcome> revoke(String kid, Instant now, Optional<NewKey> spare, Duration retireGrace);
}
