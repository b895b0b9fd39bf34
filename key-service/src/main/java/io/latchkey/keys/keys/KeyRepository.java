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
     * Stores {@code key} if, under the lock, a key is still due: none signs (then {@code key} signs at once), or
     * the newest key activated at least {@code rotation - publishAhead} ago (then it is published now and signs
     * after {@code publishAhead}). Returns whether it was stored.
     */
    Future<Boolean> insertIfDue(
            NewKey key, Instant now, Duration rotation, Duration publishAhead, Duration retireGrace);

    /** Stores {@code key} published now and signing after {@code publishAhead}: a rotation brought forward. */
    Future<KeyRecord> insertRotation(NewKey key, Instant now, Duration publishAhead, Duration retireGrace);

    /**
     * Revokes {@code kid} at {@code now}, appends its {@code kid} revocation entry and, if it was signing, hands
     * signing to the next published key or to {@code spare}, all in one transaction.
     */
    Future<RevocationOutcome> revoke(String kid, Instant now, Optional<NewKey> spare, Duration retireGrace);

    /** The result of {@link #revoke}. */
    record RevocationOutcome(Status status, Optional<String> successorKid) {
        public enum Status {
            REVOKED,
            ALREADY_REVOKED,
            NOT_FOUND,
            /** The key was signing, no published key could take over and no spare was given: retry with one. */
            NEEDS_SPARE
        }
    }
}
