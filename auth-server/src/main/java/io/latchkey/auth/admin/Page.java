package io.latchkey.auth.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/** One page of an admin list and the cursor of the next, if any: {@code {"items":[...],"next":<cursor or null>}}. */
public record Page<T>(List<T> items, Optional<String> next) {

    /**
     * The page from up to {@code limit + 1} fetched rows: the extra row only says that a next page exists, and the
     * cursor is the sort key ({@code key}) of the last row shown.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> key) {
        if (fetched.size() <= limit) {
            return new Page<>(List.copyOf(fetched), Optional.empty());
        }
        List<T> shown = List.copyOf(fetched.subList(0, limit));
        return new Page<>(shown, Optional.of(key.apply(shown.get(limit - 1))));
    }

    public <U> Page<U> map(Function<T, U> mapper) {
        return new Page<>(items.stream().map(mapper).toList(), next);
    }

    public JsonObject toJson(Function<T, JsonObject> json) {
        JsonArray array = new JsonArray();
        items.forEach(item -> array.add(json.apply(item)));
        return new JsonObject().put("items", array).put("next", next.orElse(null));
    }
}
