package io.latchkey.demo.web;

import io.latchkey.demo.notes.Note;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The demo API as the web app uses it: over HTTP at the app's own base URL, with the signed-in user's access token,
 * exactly as any other client would, so every page shows that the tokens the app earned are accepted by the {@code
 * verifier} (signature, audience, scope, revocation feed). A 401 means the token no longer counts ({@link
 * SessionEnded}); a 403 that the sign-in lacks the scope ({@link Forbidden}); a 400 that the API refused the input
 * ({@link Rejected}); anything else is {@link Unavailable}.
 */
public final class NotesApi {
    private static final long TIMEOUT_MS = 10_000;

    private final WebClient client;
    private final String baseUrl;

    public NotesApi(WebClient client, String baseUrl) {
        this.client = client;
        this.baseUrl = baseUrl;
    }

    /** The token's {@code sub}, from {@code GET /api/me}. */
    public Future<String> subject(String accessToken) {
        return send(client.getAbs(baseUrl + "/api/me"), accessToken, null).compose(response -> {
            Object sub = json(response).getValue("sub");
            return sub instanceof String s && !s.isEmpty()
                    ? Future.succeededFuture(s)
                    : Future.failedFuture(new Unavailable("/api/me has no sub", null));
        });
    }

    /** The user's notes, from {@code GET /api/notes}, newest last as the API keeps them. */
    public Future<List<Note>> list(String accessToken) {
        return send(client.getAbs(baseUrl + "/api/notes"), accessToken, null).map(NotesApi::notes);
    }

    /** Adds a note with {@code POST /api/notes}. */
    public Future<Void> add(String accessToken, String text) {
        return send(client.postAbs(baseUrl + "/api/notes"), accessToken, new JsonObject().put("text", text))
                .mapEmpty();
    }

    private static Future<HttpResponse<Buffer>> send(HttpRequest<Buffer> request, String accessToken, JsonObject body) {
        request.bearerTokenAuthentication(accessToken).timeout(TIMEOUT_MS);
        Future<HttpResponse<Buffer>> sent = body == null ? request.send() : request.sendJsonObject(body);
        return sent.recover(e -> Future.failedFuture(new Unavailable("notes API: " + e.getMessage(), e)))
                .compose(NotesApi::checked);
    }

    private static Future<HttpResponse<Buffer>> checked(HttpResponse<Buffer> response) {
        int status = response.statusCode();
        if (status >= 200 && status < 300) {
            return Future.succeededFuture(response);
        }
        return Future.failedFuture(
                switch (status) {
                    case 401 -> new SessionEnded("the API no longer accepts the access token");
                    case 403 -> new Forbidden();
                    case 400 -> new Rejected(description(response));
                    default -> new Unavailable("notes API answered " + status, null);
                });
    }

    private static List<Note> notes(HttpResponse<Buffer> response) {
        try {
            JsonArray notes = json(response).getJsonArray("notes", new JsonArray());
            List<Note> result = new ArrayList<>(notes.size());
            for (int i = 0; i < notes.size(); i++) {
                JsonObject note = notes.getJsonObject(i);
                result.add(new Note(
                        note.getString("id"),
                        note.getString("text"),
                        Instant.ofEpochSecond(note.getLong("created_at", 0L))));
            }
            return result;
        } catch (ClassCastException e) {
            throw new Unavailable("notes API answered an unexpected shape", e);
        }
    }

    private static JsonObject json(HttpResponse<Buffer> response) {
        try {
            JsonObject json = response.bodyAsJsonObject();
            if (json == null) {
                throw new Unavailable("notes API answered without a body", null);
            }
            return json;
        } catch (RuntimeException e) {
            throw e instanceof Unavailable u ? u : new Unavailable("notes API answered something not JSON", e);
        }
    }

    private static String description(HttpResponse<Buffer> response) {
        try {
            JsonObject json = response.bodyAsJsonObject();
            String description = json == null ? null : json.getString("error_description");
            return description == null ? "the note was not accepted" : description;
        } catch (RuntimeException e) {
            return "the note was not accepted";
        }
    }

    /** The sign-in was not granted the scope this needs. */
    public static final class Forbidden extends RuntimeException {
        public Forbidden() {
            super("insufficient scope", null, false, false);
        }
    }

    /** The API refused the input; the message is the API's {@code error_description}. */
    public static final class Rejected extends RuntimeException {
        public Rejected(String description) {
            super(description, null, false, false);
        }
    }

    /** The API could not be reached or did not answer usefully. */
    public static final class Unavailable extends RuntimeException {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
