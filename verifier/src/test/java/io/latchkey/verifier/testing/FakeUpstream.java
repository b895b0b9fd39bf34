package io.latchkey.verifier.testing;

import io.latchkey.common.tls.ServerTls;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Stands in for auth-server and key-service, serving exactly what they serve a verifier: the RFC 8414
 * metadata, the JWKS with {@code Cache-Control} and {@code ETag}, {@code GET /revocations?after=} and the
 * {@code /revocations/stream} event stream with heartbeats and {@code Last-Event-ID} resume, both behind HTTP Basic of
 * the feed client. Tests switch parts off to play outages. All state changes run on the verticle's context.
 */
public final class FakeUpstream extends VerticleBase {
    public static final String FEED_CLIENT_ID = "resource-demo";
    public static final String FEED_CLIENT_SECRET = "feed-secret-for-tests-only-0123456789";

    private final List<TestKeys> keys = new CopyOnWriteArrayList<>();
    private final List<JsonObject> rawJwks = new CopyOnWriteArrayList<>();
    private final List<JsonObject> entries = new CopyOnWriteArrayList<>();
    private final Set<HttpServerResponse> streams = new HashSet<>();
    private final AtomicInteger jwksFetches = new AtomicInteger();
    private final AtomicInteger streamsOpened = new AtomicInteger();
    private final List<String> lastEventIds = new CopyOnWriteArrayList<>();
    private final long heartbeatMs;
    private final long jwksMaxAgeSeconds;
    private volatile String advertisedIssuer;
    private volatile boolean jwksDown;
    private volatile boolean feedDown;
    private volatile boolean feedSilent;
    private volatile long jwksDelayMs;
    private volatile long lastJwksFetchNanos = System.nanoTime();
    private long seq;
    private Context context;
    private HttpServer server;
    private ServerTls tls = ServerTls.off();
    private Consumer<Router> moreRoutes = router -> {};

    public FakeUpstream(long heartbeatMs, long jwksMaxAgeSeconds, TestKeys... initialKeys) {
        this.heartbeatMs = heartbeatMs;
        this.jwksMaxAgeSeconds = jwksMaxAgeSeconds;
        this.keys.addAll(List.of(initialKeys));
    }

    @Override
    public Future<?> start() {
        context = vertx.getOrCreateContext();
        Router router = Router.router(vertx);
        router.get("/.well-known/oauth-authorization-server").handler(this::metadata);
        router.get("/.well-known/jwks.json").handler(this::jwks);
        router.get("/revocations").handler(this::list);
        router.get("/revocations/stream").handler(this::stream);
        moreRoutes.accept(router);
        vertx.setPeriodic(heartbeatMs, id -> {
            if (!feedSilent) {
                streams.forEach(r -> r.write(": heartbeat\n\n"));
            }
        });
        server = vertx.createHttpServer(tls.applyTo(new HttpServerOptions()));
        return server.requestHandler(router).listen(0, "127.0.0.1");
    }

    /** Serves over TLS with {@code tls} instead of plain HTTP; call before deploying. */
    public FakeUpstream servedWith(ServerTls tls) {
        this.tls = tls;
        return this;
    }

    /**
     * Also serves the routes {@code routes} mounts (another part of auth-server a test plays, such as the token
     * endpoint); call before deploying.
     */
    public FakeUpstream alsoServing(Consumer<Router> routes) {
        this.moreRoutes = routes;
        return this;
    }

    /** The origin this server answers on, which is also the issuer unless {@link #advertiseIssuer} changed it. */
    public String url() {
        return tls.scheme() + "://127.0.0.1:" + server.actualPort();
    }

    public String issuer() {
        return advertisedIssuer != null ? advertisedIssuer : url();
    }

    /** Makes the metadata name another issuer and public URLs on it, like a proxy-fronted auth-server. */
    public void advertiseIssuer(String issuer) {
        advertisedIssuer = issuer;
    }

    public void publish(TestKeys key) {
        keys.add(key);
    }

    /** Publishes {@code jwk} exactly as given, however wrong (attack tests: a point off the curve, a private key). */
    public void publishJwk(JsonObject jwk) {
        rawJwks.add(jwk);
    }

    public void unpublish(TestKeys key) {
        keys.remove(key);
    }

    public void jwksDown(boolean down) {
        jwksDown = down;
    }

    /** Holds each JWKS response this long, so concurrent misses overlap with one fetch. */
    public void jwksDelay(long millis) {
        jwksDelayMs = millis;
    }

    public int jwksFetches() {
        return jwksFetches.get();
    }

    /** Time since the last JWKS request arrived. */
    public java.time.Duration sinceLastJwksFetch() {
        return java.time.Duration.ofNanos(System.nanoTime() - lastJwksFetchNanos);
    }

    public int streamsOpened() {
        return streamsOpened.get();
    }

    public List<String> lastEventIds() {
        return List.copyOf(lastEventIds);
    }

    /** Cuts the feed: open streams close and every feed request gets 503, until {@link #restoreFeed}. */
    public Future<Void> cutFeed() {
        feedDown = true;
        return onContext(() -> {
                    streams.forEach(r -> r.reset());
                    streams.clear();
                    return null;
                })
                .mapEmpty();
    }

    public void restoreFeed() {
        feedDown = false;
    }

    /** Keeps streams open but sends nothing on them, like a half-dead connection. */
    public void silenceFeed(boolean silent) {
        feedSilent = silent;
    }

    /** Lists a revocation and pushes it to every open stream; returns its seq. */
    public Future<Long> revoke(String type, String value, Long notBefore, long expiresAt) {
        return onContext(() -> {
            JsonObject entry = new JsonObject()
                    .put("seq", ++seq)
                    .put("type", type)
                    .put("value", value)
                    .put("expires_at", expiresAt);
            if (notBefore != null) {
                entry.put("not_before", notBefore);
            }
            entries.add(entry);
            if (!feedSilent) {
                streams.forEach(r -> r.write(event(entry)));
            }
            return entry.getLong("seq");
        });
    }

    public Future<Long> revoke(String type, String value) {
        return revoke(type, value, null, Instant.now().getEpochSecond() + 600);
    }

    private void metadata(RoutingContext ctx) {
        String issuer = issuer();
        ctx.json(new JsonObject()
                .put("issuer", issuer)
                .put("token_endpoint", issuer + "/oauth2/token")
                .put("jwks_uri", issuer + "/.well-known/jwks.json")
                .put("revocation_endpoint", issuer + "/oauth2/revoke")
                .put("introspection_endpoint", issuer + "/oauth2/introspect")
                .put("revocation_list_endpoint", issuer + "/revocations")
                .put("grant_types_supported", new JsonArray().add("password").add("client_credentials"))
                .put("response_types_supported", new JsonArray()));
    }

    private void jwks(RoutingContext ctx) {
        jwksFetches.incrementAndGet();
        lastJwksFetchNanos = System.nanoTime();
        if (jwksDown) {
            ctx.response().setStatusCode(503).end();
            return;
        }
        JsonArray jwks = new JsonArray();
        List<String> kids = new ArrayList<>();
        keys.forEach(k -> {
            jwks.add(k.jwk());
            kids.add(k.kid());
        });
        rawJwks.forEach(jwk -> {
            jwks.add(jwk);
            kids.add(String.valueOf(jwk.getValue("kid")));
        });
        String etag = "\"" + Integer.toHexString(kids.hashCode()) + "\"";
        vertx.setTimer(Math.max(1, jwksDelayMs), id -> {
            ctx.response()
                    .putHeader("Cache-Control", "public, max-age=" + jwksMaxAgeSeconds)
                    .putHeader("ETag", etag);
            if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
                ctx.response().setStatusCode(304).end();
            } else {
                ctx.response()
                        .putHeader("Content-Type", "application/jwk-set+json")
                        .end(new JsonObject().put("keys", jwks).encode());
            }
        });
    }

    private boolean authorized(RoutingContext ctx) {
        String expected = "Basic "
                + Base64.getEncoder()
                        .encodeToString((FEED_CLIENT_ID + ":" + FEED_CLIENT_SECRET).getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(ctx.request().getHeader("Authorization"))) {
            ctx.response()
                    .setStatusCode(401)
                    .putHeader("WWW-Authenticate", "Basic realm=\"latchkey\"")
                    .putHeader("Content-Type", "application/json")
                    .end(new JsonObject()
                            .put("error", "invalid_client")
                            .put("error_description", "client authentication failed")
                            .encode());
            return false;
        }
        if (feedDown) {
            ctx.response().setStatusCode(503).end();
            return false;
        }
        return true;
    }

    private void list(RoutingContext ctx) {
        if (!authorized(ctx)) {
            return;
        }
        String after = ctx.request().getParam("after");
        ctx.json(
                new JsonObject().put("entries", new JsonArray(liveAfter(after))).put("last_seq", seq));
    }

    private void stream(RoutingContext ctx) {
        if (!authorized(ctx)) {
            return;
        }
        streamsOpened.incrementAndGet();
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        lastEventIds.add(String.valueOf(lastEventId));
        HttpServerResponse response = ctx.response()
                .setChunked(true)
                .putHeader("Content-Type", "text/event-stream")
                .putHeader("Cache-Control", "no-store");
        response.write(": connected\n\n");
        liveAfter(lastEventId).forEach(entry -> response.write(event((JsonObject) entry)));
        streams.add(response);
        response.closeHandler(v -> streams.remove(response));
    }

    /** Live entries after {@code after}; absent, unreadable or above the highest seq means all of them. */
    private List<Object> liveAfter(String after) {
        long from = 0;
        try {
            from = after == null ? 0 : Long.parseLong(after);
        } catch (NumberFormatException e) {
            from = 0;
        }
        if (from > seq) {
            from = 0;
        }
        long now = Instant.now().getEpochSecond();
        List<Object> live = new ArrayList<>();
        for (JsonObject entry : entries) {
            if (entry.getLong("seq") > from && entry.getLong("expires_at") > now) {
                live.add(entry);
            }
        }
        return live;
    }

    private static String event(JsonObject entry) {
        return "event: revoked\nid: " + entry.getLong("seq") + "\ndata: " + entry.encode() + "\n\n";
    }

    private <T> Future<T> onContext(Callable<T> action) {
        Promise<T> promise = Promise.promise();
        context.runOnContext(v -> {
            try {
                promise.complete(action.call());
            } catch (Exception e) {
                promise.fail(e);
            }
        });
        return promise.future();
    }
}
