package io.latchkey.demo.http;

import io.latchkey.demo.notes.Note;
import io.latchkey.demo.notes.NoteStore;
import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.http.BearerAuthHandler;
import io.latchkey.verifier.http.ScopeHandler;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The demo API: {@code GET /api/me} (any valid token), {@code GET /api/notes} (scope {@code
 * notes:read}) and {@code POST /api/notes} (scope {@code notes:write}), notes kept per {@code sub}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6750#section-2.1">RFC 6750 §2.1</a>
 */
public final class DemoApiRoutes {
    private static final int BODY_LIMIT = 16 * 1024;

    private final NoteStore notes;
    private final Handler<RoutingContext> authentication;
    private final String realm;

    /** {@code authentication} puts an {@link AccessToken} on the context, as {@link BearerAuthHandler} does. */
    public DemoApiRoutes(NoteStore notes, Handler<RoutingContext> authentication, String realm) {
        this.notes = notes;
        this.authentication = authentication;
        this.realm = realm;
    }

    public void mount(Router router) {
        router.get("/api/me").handler(authentication).handler(this::me);
        router.get("/api/notes")
                .handler(authentication)
                .handler(ScopeHandler.require(realm, "notes:read"))
                .handler(this::listNotes);
        // Vert.x Web orders body handling before authentication; the 16 KiB cap bounds what a stranger can send.
        router.post("/api/notes")
                .handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .handler(authentication)
                .handler(ScopeHandler.require(realm, "notes:write"))
                .handler(this::addNote);
        router.route("/api/*").failureHandler(ApiErrors::render);
    }

    private void me(RoutingContext ctx) {
        AccessToken token = BearerAuthHandler.accessToken(ctx);
        ctx.json(new JsonObject()
                .put("sub", token.subject())
                .put("client_id", token.clientId())
                .put("scope", token.scope())
                .put("exp", token.expiresAt()));
    }

    private void listNotes(RoutingContext ctx) {
        JsonArray list = new JsonArray();
        notes.list(BearerAuthHandler.accessToken(ctx).subject()).forEach(n -> list.add(n.toJson()));
        ctx.json(new JsonObject().put("notes", list));
    }

    private void addNote(RoutingContext ctx) {
        Object text;
        try {
            JsonObject body = ctx.body().asJsonObject();
            text = body == null ? null : body.getValue("text");
        } catch (DecodeException | ClassCastException e) {
            ApiErrors.invalidRequest(ctx, "the body must be a JSON object");
            return;
        }
        if (!(text instanceof String s) || s.isBlank() || s.length() > NoteStore.MAX_TEXT_LENGTH) {
            ApiErrors.invalidRequest(ctx, "text must be a string of 1 to " + NoteStore.MAX_TEXT_LENGTH + " characters");
            return;
        }
        Note note;
        try {
            note = notes.add(BearerAuthHandler.accessToken(ctx).subject(), s);
        } catch (NoteStore.NoteLimitReached e) {
            ApiErrors.invalidRequest(ctx, "at most " + NoteStore.MAX_NOTES_PER_USER + " notes per user");
            return;
        }
        ctx.response().setStatusCode(201);
        ctx.json(note.toJson());
    }
}
