package io.latchkey.auth.admin;

import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * The admin API's reads: users (optionally one username, case-insensitively), one user, a user's open sessions,
 * clients, one client and the audit trail, each list a {@link Page}. Reads change nothing and write no audit row.
 */
public final class AdminReads {
    private final AdminDirectory directory;
    private final ClientRepository clients;

    public AdminReads(AdminDirectory directory, ClientRepository clients) {
        this.directory = directory;
        this.clients = clients;
    }

    public Future<JsonObject> users(PageRequest page, Optional<String> username) {
        Optional<UUID> after = page.after().map(key -> PathIds.uuid(key).orElseThrow(PageRequest::badCursor));
        if (username.isPresent()
                && (username.get().isEmpty()
                        || username.get().length() > 255
                        || username.get().chars().anyMatch(Character::isISOControl))) {
            // No stored username has this length or a control character (a NUL would fail the statement).
            return Future.succeededFuture(new Page<JsonObject>(List.of(), Optional.empty()).toJson(u -> u));
        }
        return directory.users(after, username, page.limit() + 1).map(rows -> Page.of(
                        rows, page.limit(), row -> PageRequest.cursorFor(row.getString("id")))
                .toJson(row -> row));
    }

    public Future<JsonObject> user(String rawId) {
        UUID id = PathIds.user(rawId);
        return directory.user(id).map(found -> found.orElseThrow(PathIds::noUser));
    }

    public Future<JsonObject> sessions(String rawUserId, PageRequest page) {
        UUID id = PathIds.user(rawUserId);
        Optional<AdminDirectory.SessionKey> after = page.after().map(AdminReads::sessionKey);
        return directory.user(id).compose(found -> {
            if (found.isEmpty()) {
                return Future.failedFuture(PathIds.noUser());
            }
            return directory.openSessions(id, after, page.limit() + 1).map(rows -> Page.of(
                            rows, page.limit(), row -> PageRequest.cursorFor(sessionCursor(row.key())))
                    .toJson(AdminDirectory.SessionView::json));
        });
    }

    /** A session cursor's key: the creation time in epoch microseconds, a dot, the sid. */
    private static String sessionCursor(AdminDirectory.SessionKey key) {
        Instant at = key.createdAt();
        long micros = Math.addExact(Math.multiplyExact(at.getEpochSecond(), 1_000_000L), at.getNano() / 1_000);
        return micros + "." + key.sid();
    }

    private static AdminDirectory.SessionKey sessionKey(String key) {
        int dot = key.indexOf('.');
        if (dot < 1 || dot > 20) {
            throw PageRequest.badCursor();
        }
        try {
            long micros = Long.parseLong(key.substring(0, dot));
            UUID sid = PathIds.uuid(key.substring(dot + 1)).orElseThrow(PageRequest::badCursor);
            Instant at = Instant.ofEpochSecond(
                    Math.floorDiv(micros, 1_000_000L), Math.floorMod(micros, 1_000_000L) * 1_000L);
            return new AdminDirectory.SessionKey(at, sid);
        } catch (NumberFormatException | java.time.DateTimeException e) {
            throw PageRequest.badCursor();
        }
    }

    public Future<JsonObject> clients(PageRequest page) {
        Optional<String> after = page.after().map(key -> {
            if (!io.latchkey.auth.client.ClientIds.wellFormed(key)) {
                throw PageRequest.badCursor();
            }
            return key;
        });
        return directory.clientIds(after, page.limit() + 1).compose(ids -> {
            Page<String> shown = Page.of(ids, page.limit(), PageRequest::cursorFor);
            // Looked up through the repository, so a list shows a client exactly as the token endpoint reads it;
            // lookups issued together leave as one query.
            List<Future<Optional<Client>>> lookups =
                    shown.items().stream().map(clients::find).toList();
            return Future.all(lookups).map(done -> {
                JsonObject out = new JsonObject();
                io.vertx.core.json.JsonArray items = new io.vertx.core.json.JsonArray();
                // A client deleted between the two reads is left out.
                lookups.forEach(f -> f.result().ifPresent(client -> items.add(clientJson(client))));
                return out.put("items", items).put("next", shown.next().orElse(null));
            });
        });
    }

    public Future<JsonObject> client(String rawId) {
        String id = PathIds.client(rawId);
        return clients.find(id).map(found -> clientJson(found.orElseThrow(PathIds::noClient)));
    }

    /** The registration as {@code POST /admin/clients} answers it (no secret), plus whether it is disabled. */
    static JsonObject clientJson(Client client) {
        return AdminService.registration(client, null).put("disabled", client.disabled());
    }

    /**
     * Audit rows after the position {@code after} (an audit row id; {@code cursor} is accepted as its synonym, as
     * every list's {@code next} goes back as {@code cursor}), oldest first; {@code next} is the last row's id.
     */
    public Future<JsonObject> audit(List<String> afters, List<String> cursors, List<String> limits) {
        PageRequest page = PageRequest.of(List.of(), limits);
        String after = PageRequest.single("after", afters);
        String cursor = PageRequest.single("cursor", cursors);
        if (after != null && cursor != null) {
            throw OAuthError.invalidRequest("after and cursor must not both be given");
        }
        long position = after != null ? position("after", after) : cursor != null ? position("cursor", cursor) : 0;
        return directory.audit(position, page.limit() + 1).map(rows -> Page.of(
                        rows, page.limit(), row -> Long.toString(row.getLong("id")))
                .toJson(row -> row));
    }

    private static long position(String name, String raw) {
        if (raw.isEmpty() || raw.length() > 18 || !raw.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw OAuthError.invalidRequest(name + " must be a non-negative integer (an audit row id)");
        }
        return Long.parseLong(raw);
    }
}
