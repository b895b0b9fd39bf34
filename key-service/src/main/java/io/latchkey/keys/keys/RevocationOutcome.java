package io.latchkey.keys.keys;

import java.util.Optional;

/**
 * What an emergency revocation did: a value, never an exception, so each caller decides what it means for it (the
 * key life retries {@link Status#NEEDS_SPARE} with a fresh key; the internal API maps every status to its answer).
 */
public record RevocationOutcome(Status status, Optional<String> successorKid) {
    public enum Status {
        /** Revoked now; {@link #successorKid()} names the key that took over signing, if it was signing. */
        REVOKED,
        ALREADY_REVOKED,
        NOT_FOUND,
        /** The key was signing, no published key could take over and no spare was given: nothing was changed. */
        NEEDS_SPARE
    }

    static RevocationOutcome revoked(Optional<String> successorKid) {
        return new RevocationOutcome(Status.REVOKED, successorKid);
    }

    static RevocationOutcome of(Status status) {
        return new RevocationOutcome(status, Optional.empty());
    }
}
