package io.latchkey.auth.admin;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The admin API's key operations, relayed to key-service through {@link KeyServiceAdmin}: a key is shown as
 * {@code {"kid","alg","state","published_at","activates_at","retires_at"}} (epoch seconds, null when not set), its
 * state one of {@code published}, {@code active}, {@code retired}, {@code revoked}. key-service also knows a key
 * stored but not yet in the JWKS (shown {@code published}, its {@code published_at} ahead) and one past retirement
 * and out of the JWKS (shown {@code retired}). A rotation or revocation that key-service confirmed writes an audit
 * row; key-service has changed the key by then, so the row cannot share its transaction.
 */
public final class KeyAdministration {
    private static final Set<String> ALGS = Set.of("RS256", "ES256");

    private final KeyServiceAdmin keyService;
    private final Pool pool;
    private final AuditRepository audit;

    public KeyAdministration(KeyServiceAdmin keyService, Pool pool, AuditRepository audit) {
        this.keyService = keyService;
        this.pool = pool;
        this.audit = audit;
    }

    /** Every key key-service holds, in its order, paginated by {@code kid}. */
    public Future<JsonObject> list(PageRequest page) {
        return keyService.list().map(answer -> {
            JsonArray keys = answer.getValue("keys") instanceof JsonArray a ? a : new JsonArray();
            List<JsonObject> all = new ArrayList<>();
            keys.forEach(k -> {
                if (k instanceof JsonObject key) {
                    all.add(key(key));
                }
            });
            int start = 0;
            if (page.after().isPresent()) {
                start = indexAfter(all, page.after().get());
            }
            List<JsonObject> rest = all.subList(start, all.size());
            return Page.of(rest, page.limit(), key -> PageRequest.cursorFor(key.getString("kid")))
                    .toJson(key -> key);
        });
    }

    private static int indexAfter(List<JsonObject> keys, String kid) {
        for (int i = 0; i < keys.size(); i++) {
            if (kid.equals(keys.get(i).getString("kid"))) {
                return i + 1;
            }
        }
        throw PageRequest.badCursor();
    }

    /**
     * Publishes a new key now (it signs once the publish-ahead time has passed). {@code body} is empty or {@code
     * {"alg"}}, passed on to key-service.
     */
    public Future<JsonObject> rotate(String actor, Optional<JsonObject> body) {
        if (body.isPresent()) {
            JsonObject given = body.get();
            for (String name : given.fieldNames()) {
                if (!name.equals("alg")) {
                    return Future.failedFuture(OAuthError.invalidRequest("the body may only hold alg"));
                }
            }
            Object alg = given.getValue("alg");
            if (alg != null && !(alg instanceof String s && ALGS.contains(s))) {
                return Future.failedFuture(OAuthError.invalidRequest("alg must be RS256 or ES256"));
            }
        }
        return keyService.rotate(body.orElse(null)).compose(created -> {
            JsonObject key = key(created);
            return audit.record(pool, AuditEvent.adminKeyRotated(actor, key.getString("kid"), key.getString("alg")))
                    .map(v -> key);
        });
    }

    /** Emergency revocation: the key leaves the JWKS at once and its {@code kid} is listed on the feed. */
    public Future<JsonObject> revoke(String actor, String rawKid) {
        String kid = PathIds.kid(rawKid);
        return keyService.revoke(kid).compose(answer -> {
            String successor = answer.getValue("successor_kid") instanceof String s ? s : null;
            boolean already = Boolean.TRUE.equals(answer.getValue("already_revoked"));
            JsonObject out = new JsonObject()
                    .put("kid", kid)
                    .put("state", "revoked")
                    .put("already_revoked", already)
                    .put("successor_kid", successor);
            if (already) {
                return Future.succeededFuture(out);
            }
            return audit.record(pool, AuditEvent.adminKeyRevoked(actor, kid, successor))
                    .map(v -> out);
        });
    }

    /** The key's algorithm under either name key-service may use; RS256, the only one before ES256, otherwise. */
    private static String alg(JsonObject from) {
        if (from.getValue("alg") instanceof String alg) {
            return alg;
        }
        return from.getValue("algorithm") instanceof String algorithm ? algorithm : "RS256";
    }

    /** key-service's key (epoch seconds, its own state names) in the admin API's shape. */
    static JsonObject key(JsonObject from) {
        String state = from.getValue("state") instanceof String s ? s : "";
        String shown =
                switch (state) {
                    case "scheduled", "published" -> "published";
                    case "active" -> "active";
                    case "retired", "removed" -> "retired";
                    case "revoked" -> "revoked";
                    default -> state;
                };
        return new JsonObject()
                .put("kid", from.getValue("kid"))
                .put("alg", alg(from))
                .put("state", shown)
                .put("published_at", from.getValue("publish_at"))
                .put("activates_at", from.getValue("activate_at"))
                .put("retires_at", from.getValue("retired_at"));
    }
}
