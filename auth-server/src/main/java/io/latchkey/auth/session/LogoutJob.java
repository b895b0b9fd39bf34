package io.latchkey.auth.session;

import io.vertx.core.json.JsonObject;
import java.time.OffsetDateTime;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/**
 * A mass logout running in the background: every session of a user or client created at or before {@code cutoff}
 * is ended, {@code reason} written on each, in batches in session id order. {@code endedCount} counts every session
 * the mass logout ended, the first batch its request ended included; {@code afterSession} is the highest session id
 * ended so far (empty before the job's first batch and during its final sweep from the start).
 */
public record LogoutJob(
        UUID id,
        Kind kind,
        String target,
        String reason,
        OffsetDateTime cutoff,
        long endedCount,
        OffsetDateTime createdAt,
        Optional<OffsetDateTime> finishedAt,
        Optional<UUID> afterSession) {

    /** Whose sessions the job ends. */
    public enum Kind {
        USER,
        CLIENT;

        public String column() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** The user whose sessions a {@link Kind#USER} job ends; empty for a client's job. */
    public Optional<UUID> userId() {
        return kind == Kind.USER ? Optional.of(UUID.fromString(target)) : Optional.empty();
    }

    /** As {@code GET /admin/logout-jobs/{id}} answers it: times in epoch seconds. */
    public JsonObject toJson() {
        JsonObject out = new JsonObject()
                .put("id", id.toString())
                .put(kind == Kind.USER ? "user_id" : "client_id", target)
                .put("reason", reason)
                .put("status", finishedAt.isPresent() ? "finished" : "running")
                .put("sessions_ended", endedCount)
                .put("created_at", createdAt.toEpochSecond());
        finishedAt.ifPresent(at -> out.put("finished_at", at.toEpochSecond()));
        return out;
    }
}
