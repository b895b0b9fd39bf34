package io.latchkey.auth.feed;

import io.vertx.core.json.JsonObject;

/**
 * One entry of the revocation list as subscribers see it: {@code not_before} only for {@code sub} entries,
 * times in epoch seconds.
 *
 * @param notBefore epoch seconds, or {@code null} unless {@code type} is {@code sub}
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009#section-2">RFC 7009 §2</a>
 */
public record RevocationEntry(long seq, String type, String value, Long notBefore, long expiresAt) {

    /** The entry's public JSON shape: {@code {"seq","type","value","not_before"?,"expires_at"}}. */
    public JsonObject toJson() {
        JsonObject json = new JsonObject().put("seq", seq).put("type", type).put("value", value);
        if (notBefore != null) {
            json.put("not_before", notBefore);
        }
        return json.put("expires_at", expiresAt);
    }
}
