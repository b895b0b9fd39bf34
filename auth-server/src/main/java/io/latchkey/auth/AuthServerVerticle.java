package io.latchkey.auth;

import io.latchkey.auth.admin.AdminAuthorization;
import io.latchkey.auth.admin.AdminClientBootstrap;
import io.latchkey.auth.admin.AdminRoutes;
import io.latchkey.auth.admin.AdminService;
import io.latchkey.auth.audit.PgAuditRepository;
import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.client.PgClientRepository;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.feed.ConfidentialClientFeedAccess;
import io.latchkey.auth.feed.FeedRoutes;
import io.latchkey.auth.feed.PgRevocationRepository;
import io.latchkey.auth.feed.RevocationFeed;
import io.latchkey.auth.feed.RevocationPruner;
import io.latchkey.auth.grant.ClientCredentialsGrant;
import io.latchkey.auth.grant.PasswordGrant;
import io.latchkey.auth.grant.RefreshTokenGrant;
import io.latchkey.auth.grant.TokenEndpoint;
import io.latchkey.auth.http.ClientIp;
import io.latchkey.auth.http.LogoutRoutes;
import io.latchkey.auth.http.OAuthErrors;
import io.latchkey.auth.http.RevokeRoutes;
import io.latchkey.auth.http.TokenRoutes;
import io.latchkey.auth.introspect.Introspection;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.jwt.PgSigningKeyRepository;
import io.latchkey.auth.jwt.SigningKeys;
import io.latchkey.auth.metadata.ServerMetadata;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.password.PasswordHasher;
import io.latchkey.auth.revocation.Logout;
import io.latchkey.auth.revocation.RevocationRateLimiter;
import io.latchkey.auth.revocation.TokenRevocation;
import io.latchkey.auth.session.PgSessionRepository;
import io.latchkey.auth.session.SessionPruner;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.auth.throttle.PgLoginThrottle;
import io.latchkey.auth.token.AccessTokenFactory;
import io.latchkey.auth.token.KeyServiceSigner;
import io.latchkey.auth.user.PgUserRepository;
import io.latchkey.common.http.HealthRoutes;
import io.latchkey.common.http.Hsts;
import io.latchkey.common.http.ListenerVerticle;
import io.latchkey.common.http.MetricsRoutes;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.db.Database;
import io.latchkey.db.Migrations;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Wires auth-server: migrations, pool, repositories, services, routes, listener. The listener serves HTTPS with
 * HSTS when {@code LATCHKEY_TLS_CERT} is set, every request gets a request id, and {@code GET /metrics} serves
 * HTTP server metrics and the service's own counters as one Prometheus text.
 */
public final class AuthServerVerticle extends VerticleBase {
    /** Per client and replica (RFC 7009 §2.2.1 lets the server refuse a client that floods it). */
    private static final int REVOCATIONS_PER_SECOND = 20;

    private final AuthServerConfig config;
    private final ServiceMetrics serviceMetrics;
    private Pool pool;
    private HttpServer server;
    private PasswordHasher hasher;
    private KeyServiceSigner signer;
    private final AuthMetrics metrics;
    private long pruneTimer = -1;
    private RevocationFeed feed;
    private RevocationPruner revocationPruner;
    private volatile Future<?> readyAfter = Future.succeededFuture();
    private UnaryOperator<HttpServerOptions> listenerOptions = UnaryOperator.identity();

    public AuthServerVerticle(AuthServerConfig config, ServiceMetrics serviceMetrics) {
        this.config = config;
        this.serviceMetrics = serviceMetrics;
        this.metrics = new AuthMetrics(serviceMetrics.registry());
    }

    /** With a registry of its own, for callers that do not build Vert.x with metrics (the dev stack, tests). */
    public AuthServerVerticle(AuthServerConfig config) {
        this(config, ServiceMetrics.create());
    }

    /**
     * Holds readiness until {@code gate} has succeeded: the dev stack seeds its clients through this very server,
     * and a probe that says ready must mean they exist, or a script that waits for it meets 401 for a moment.
     */
    public AuthServerVerticle readyAfter(Future<?> gate) {
        this.readyAfter = gate;
        return this;
    }

    /**
     * Adjusts the listener's options after the configured ones are applied: tests shrink its socket buffers, so a
     * client that stops reading backs up into the server's write queue after kilobytes, not megabytes.
     */
    public AuthServerVerticle listenerOptions(UnaryOperator<HttpServerOptions> adjust) {
        this.listenerOptions = adjust;
        return this;
    }

    @Override
    public Future<?> start() {
        return vertx.executeBlocking(() -> Migrations.run(config.database())).compose(migrated -> {
            pool = Database.pool(vertx, config.database(), config.databasePoolSize());
            Clock clock = Clock.systemUTC();
            var clients = new PgClientRepository(pool);
            var users = new PgUserRepository(pool);
            var sessions = new PgSessionRepository();
            var revocationList = new PgRevocationRepository(pool);
            var throttle = new PgLoginThrottle();
            var audit = new PgAuditRepository();
            var terminator = new SessionTerminator(
                    sessions, users, clients, revocationList, config.accessTokenTtl(), clock, metrics);
            // The dummy hash is computed here, off the event loop.
            return vertx.executeBlocking(() -> new PasswordHasher(vertx, config.argon2()))
                    .compose(h -> {
                        hasher = h;
                        metrics.watch(h);
                        signer = new KeyServiceSigner(
                                vertx, config.keyServiceUrls(), config.internalSecret(), 64, config.keyServiceTls());
                        var tokens = new AccessTokenFactory(config.issuer(), config.accessTokenTtl(), clock);
                        var authenticator = new ClientAuthenticator(clients);
                        var tokenEndpoint = new TokenEndpoint(
                                authenticator,
                                new ClientIp(config.trustedProxies()),
                                List.of(
                                        new ClientCredentialsGrant(tokens, signer, metrics),
                                        new PasswordGrant(
                                                pool,
                                                users,
                                                sessions,
                                                throttle,
                                                audit,
                                                hasher,
                                                tokens,
                                                signer,
                                                config.refreshTokenTtl(),
                                                config.sessionMaxAge(),
                                                clock,
                                                metrics),
                                        new RefreshTokenGrant(
                                                pool,
                                                sessions,
                                                terminator,
                                                audit,
                                                tokens,
                                                signer,
                                                config.refreshTokenTtl(),
                                                clock,
                                                metrics)),
                                metrics);
                        var verifier = new AccessTokenVerifier(
                                new SigningKeys(new PgSigningKeyRepository(pool), clock::millis),
                                revocationList,
                                config.issuer(),
                                clock::millis);
                        var tokenRoutes = new TokenRoutes(
                                ServerMetadata.of(config.issuer(), config.jwksUri()),
                                tokenEndpoint,
                                authenticator,
                                new Introspection(verifier));
                        var clientIp = new ClientIp(config.trustedProxies());
                        var logoutRoutes =
                                new LogoutRoutes(new Logout(pool, verifier, sessions, terminator, audit), clientIp);
                        var revokeRoutes = new RevokeRoutes(
                                authenticator,
                                new RevocationRateLimiter(REVOCATIONS_PER_SECOND, System::nanoTime),
                                new TokenRevocation(pool, verifier, sessions, terminator, audit, clock),
                                clientIp);
                        feed = new RevocationFeed(
                                vertx, revocationList, config.database().connectOptions(), config.feed());
                        metrics.watch(feed);
                        revocationPruner = new RevocationPruner(vertx, revocationList, clock, config.feed());
                        var feedRoutes = new FeedRoutes(
                                revocationList, feed, new ConfidentialClientFeedAccess(authenticator), clock);
                        var adminRoutes = new AdminRoutes(
                                new AdminAuthorization(verifier, config.issuer()),
                                new AdminService(pool, users, clients, hasher, terminator, audit));
                        Function<Vertx, Router> routers = v -> {
                            Router router = Router.router(v);
                            RequestIdHandler.mount(router);
                            Hsts.mount(router, config.tls());
                            HealthRoutes.mount(v, router, this::ready);
                            MetricsRoutes.mount(router, serviceMetrics);
                            tokenRoutes.mount(v, router);
                            logoutRoutes.mount(router);
                            revokeRoutes.mount(router);
                            adminRoutes.mount(router);
                            feedRoutes.mount(router);
                            router.errorHandler(404, OAuthErrors::render);
                            router.errorHandler(405, OAuthErrors.methodNotAllowed(router));
                            router.route().failureHandler(OAuthErrors::render);
                            return router;
                        };
                        pruneTimer = new SessionPruner(pool, sessions, throttle).schedule(vertx);
                        HttpServerOptions options = listenerOptions.apply(config.tls()
                                .applyTo(new HttpServerOptions()
                                        .setHost(config.host())
                                        .setPort(ListenerVerticle.sharedPort(config.port()))));
                        server = vertx.createHttpServer(options);
                        Router router = routers.apply(vertx);
                        return AdminClientBootstrap.apply(clients, config.adminClientSecret(), config.issuer())
                                .compose(v -> feed.start())
                                .compose(v -> server.requestHandler(router).listen())
                                .compose(v -> ListenerVerticle.deployMore(vertx, config.eventLoops(), routers, options))
                                .onSuccess(v -> revocationPruner.start());
                    });
        });
    }

    /** Ready when the database answers, this replica's revocation feed follows it and no start-up gate is shut. */
    private Future<?> ready() {
        if (!readyAfter.succeeded()) {
            return Future.failedFuture("still starting");
        }
        return Database.ping(pool)
                .compose(v -> feed.healthy()
                        ? Future.succeededFuture()
                        : Future.failedFuture("revocation feed is not following the database"));
    }

    @Override
    public Future<?> stop() {
        if (revocationPruner != null) {
            revocationPruner.stop();
        }
        // Streams end first, or open streams would hold the server's shutdown for its whole timeout.
        Future<Void> streams = feed == null ? Future.succeededFuture() : feed.stop();
        Future<Void> closing = streams.eventually(
                () -> server == null ? Future.succeededFuture() : server.shutdown(10, TimeUnit.SECONDS));
        if (pruneTimer >= 0) {
            vertx.cancelTimer(pruneTimer);
        }
        return closing.eventually(() -> {
            if (signer != null) {
                signer.close();
            }
            if (hasher != null) {
                hasher.close();
            }
            return pool == null ? Future.succeededFuture() : pool.close();
        });
    }

    /** The listener's port (useful when configured as 0). */
    public int port() {
        return server.actualPort();
    }
}
