package io.latchkey.verifier.testing;

import io.latchkey.verifier.AccessToken;
import io.latchkey.verifier.Verifier;
import io.latchkey.verifier.VerifierSettings;
import io.latchkey.verifier.http.BearerAuthHandler;
import io.latchkey.verifier.http.ScopeHandler;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The smallest app using the verifier: {@code /protected} needs a token, {@code /write} also scope notes:write. */
public final class ProtectedTestApp extends VerticleBase {
    private final VerifierSettings settings;
    private Verifier verifier;
    private HttpServer server;

    public ProtectedTestApp(VerifierSettings settings) {
        this.settings = settings;
    }

    /** Settings pointing at {@code upstream} for audience resource-demo. */
    public static VerifierSettings settings(FakeUpstream upstream, Duration stalenessBound, Duration refetchInterval) {
        return new VerifierSettings(
                        upstream.issuer(),
                        "resource-demo",
                        FakeUpstream.FEED_CLIENT_ID,
                        FakeUpstream.FEED_CLIENT_SECRET,
                        List.of(URI.create(upstream.url())),
                        Optional.empty(),
                        stalenessBound)
                .tuned(stalenessBound, refetchInterval, 1_000);
    }

    @Override
    public Future<?> start() {
        verifier = Verifier.create(vertx, settings);
        Router router = Router.router(vertx);
        BearerAuthHandler auth = BearerAuthHandler.create(verifier);
        router.get("/protected").handler(auth).handler(ctx -> ctx.json(claims(BearerAuthHandler.accessToken(ctx))));
        router.get("/write")
                .handler(auth)
                .handler(ScopeHandler.require("resource-demo", "notes:write"))
                .handler(ctx -> ctx.json(claims(BearerAuthHandler.accessToken(ctx))));
        server = vertx.createHttpServer();
        return verifier.start().compose(v -> server.requestHandler(router).listen(0, "127.0.0.1"));
    }

    @Override
    public Future<?> stop() {
        return server.close().eventually(() -> verifier.close());
    }

    public Verifier verifier() {
        return verifier;
    }

    public int port() {
        return server.actualPort();
    }

    private static JsonObject claims(AccessToken token) {
        return new JsonObject().put("sub", token.subject()).put("scope", token.scope());
    }
}
