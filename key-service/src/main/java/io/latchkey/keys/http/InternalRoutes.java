package io.latchkey.keys.http;

import io.latchkey.keys.api.ApiError;
import io.latchkey.keys.crypto.SigningAlgorithm;
import io.latchkey.keys.keys.KeyRecord;
import io.latchkey.keys.keys.KeyRings;
import io.latchkey.keys.keys.RevocationOutcome;
import io.latchkey.keys.sign.BatchResult;
import io.latchkey.keys.sign.SignedToken;
import io.latchkey.keys.sign.SigningService;
import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The internal listener's API, every call behind the internal secret: {@code POST /internal/sign}, its batch
 * form {@code POST /internal/sign/batch} (what auth-server sends when tokens queue up),
 * {@code POST /internal/keys/rotate} (one ring per call: the body's {@code alg}, RS256 without one),
 * {@code POST /internal/keys/{kid}/revoke} (in whichever ring holds it) and {@code GET /internal/keys} (every
 * ring's keys, states and times only, never key material). Handlers only translate HTTP: each answers through
 * {@code Route.respond}, a revocation's outcome becomes its answer in one switch, and every failure is rendered by
 * {@link ErrorRenderer}.
 */
public final class InternalRoutes {
    private static final int BODY_LIMIT = 16 * 1024;
    private static final int BATCH_BODY_LIMIT = 4 * 1024 * SigningService.MAX_BATCH;
    /** A base64url SHA-256 thumbprint. */
    private static final Pattern KID = Pattern.compile("[A-Za-z0-9_-]{43}");

    private final SigningService signing;
    private final KeyRings rings;
    private final InternalAuthentication authentication;

    public InternalRoutes(SigningService signing, KeyRings rings, InternalAuthentication authentication) {
        this.signing = signing;
        this.rings = rings;
        this.authentication = authentication;
    }

    public void mount(Router router) {
        router.route("/internal/*").handler(authentication);
        router.route("/internal/*").handler(ctx -> {
            ctx.response().putHeader("Cache-Control", "no-store");
            ctx.next();
        });
        router.post("/internal/sign")
                .handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .respond(ctx -> jsonBody(ctx).compose(signing::sign).map(SignedToken::toJson));
        router.post("/internal/sign/batch")
                .handler(BodyHandler.create().setBodyLimit(BATCH_BODY_LIMIT))
                .respond(ctx -> jsonBody(ctx).compose(signing::signBatch).map(InternalRoutes::batchJson));
        router.post("/internal/keys/rotate")
                .handler(BodyHandler.create().setBodyLimit(BODY_LIMIT))
                .respond(ctx -> rotationAlgorithm(ctx).compose(rings::rotate).map(key -> {
                    ctx.response().setStatusCode(201);
                    return keyJson(key);
                }));
        router.post("/internal/keys/:kid/revoke").respond(ctx -> revoke(ctx.pathParam("kid")));
        router.get("/internal/keys").respond(ctx -> listKeys());
        router.route("/internal/*").failureHandler(ErrorRenderer::render);
    }

    /** The body as a JSON object, or {@code invalid_request}. */
    private static Future<JsonObject> jsonBody(RoutingContext ctx) {
        JsonObject request;
        try {
            request = ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            request = null;
        }
        return request == null
                ? Future.failedFuture(ApiError.invalidRequest("the body must be a JSON object"))
                : Future.succeededFuture(request);
    }

    /**
     * The ring a rotation asks for: no body (or an empty one) is RS256; else a JSON object whose optional
     * {@code alg} names a configured ring.
     */
    private Future<SigningAlgorithm> rotationAlgorithm(RoutingContext ctx) {
        if (ctx.body().isEmpty()) {
            return Future.succeededFuture(SigningAlgorithm.RS256);
        }
        return jsonBody(ctx).map(body -> signing.configuredAlgorithm(body.getValue("alg")));
    }

    private static JsonObject batchJson(List<BatchResult> results) {
        JsonArray array = new JsonArray(new ArrayList<>(results.size()));
        results.forEach(result -> array.add(result.toJson()));
        return new JsonObject().put("results", array);
    }

    private Future<JsonObject> revoke(String kid) {
        if (kid == null || !KID.matcher(kid).matches()) {
            return Future.failedFuture(ApiError.notFound("no such key"));
        }
        return rings.revoke(kid).compose(outcome -> switch (outcome.status()) {
            case NOT_FOUND -> Future.failedFuture(ApiError.notFound("no such key"));
            case REVOKED, ALREADY_REVOKED -> Future.succeededFuture(revocationJson(kid, outcome));
            case NEEDS_SPARE -> Future.failedFuture(ApiError.unavailable("revocation raced a rotation; retry"));
        });
    }

    private JsonObject revocationJson(String kid, RevocationOutcome outcome) {
        JsonObject json = new JsonObject()
                .put("kid", kid)
                .put("state", "revoked")
                .put("already_revoked", outcome.status() == RevocationOutcome.Status.ALREADY_REVOKED);
        outcome.successorKid().ifPresent(successor -> json.put("successor_kid", successor));
        return json;
    }

    private Future<JsonObject> listKeys() {
        return rings.all().map(keys -> {
            JsonArray array = new JsonArray();
            keys.forEach(key -> array.add(keyJson(key)));
            return new JsonObject().put("keys", array);
        });
    }

    private JsonObject keyJson(KeyRecord key) {
        Instant now = Instant.now();
        return new JsonObject()
                .put("kid", key.kid())
                .put("alg", key.algorithm().name())
                .put("state", key.stateAt(now).wireName())
                .put("key_size", key.keySize())
                .put("publish_at", epoch(key.publishAt()))
                .put("activate_at", epoch(key.activateAt()))
                .put("retired_at", epoch(key.retiredAt()))
                .put("remove_at", epoch(key.removeAt()))
                .put("revoked_at", epoch(key.revokedAt()));
    }

    private static Long epoch(Instant instant) {
        return instant == null ? null : instant.getEpochSecond();
    }
}
