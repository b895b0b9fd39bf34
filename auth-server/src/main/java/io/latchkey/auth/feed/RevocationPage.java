package io.latchkey.auth.feed;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What {@code GET /revocations} answers, read in one snapshot: the entries, and the highest seq committed at
 * that moment, from which a subscriber follows the stream. Every entry's seq is at most {@code lastSeq}. The endpoint
 * streams the same bytes page by page ({@link RevocationListAnswer}); this whole form is for short lists.
 */
public record RevocationPage(List<RevocationEntry> entries, long lastSeq) {

    public JsonObject toJson() {
        JsonArray array = new JsonArray();
        entries.forEach(entry -> array.add(entry.toJson()));
        return new JsonObject().put("entries", array).put("last_seq", lastSeq);
    }
}
