package io.latchkey.auth.session;

import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What ending every session of a user or client did in the caller's transaction: the sessions it ended there (one
 * batch at most) and, when more may remain, the logout job it recorded to end the rest.
 */
public record SessionsEnded(List<UUID> ended, Optional<UUID> logoutJob) {
    public SessionsEnded {
        ended = List.copyOf(ended);
    }

    public int count() {
        return ended.size();
    }
}
