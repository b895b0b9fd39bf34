package io.latchkey.demo.notes;

import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** A note a user wrote. */
public record Note(String id, String text, Instant createdAt) {
    public JsonObject toJson() {
        return new JsonObject().put("id", id).put("text", text).put("created_at", createdAt.getEpochSecond());
    }
}
