package io.latchkey.auth;

import io.latchkey.auth.admin.AdminAuthorization;
import io.latchkey.auth.admin.AdminClientBootstrap;
import io.latchkey.auth.admin.AdminOperations;
import io.latchkey.auth.admin.AdminReads;
import io.latchkey.auth.admin.AdminService;
import io.latchkey.auth.admin.KeyAdministration;
import io.latchkey.auth.admin.KeyServiceAdmin;
import io.latchkey.auth.admin.LogoutJobReads;
import io.latchkey.auth.admin.PgAdminDirectory;
import io.latchkey.auth.audit.PgAuditRepository;
import io.latchkey.auth.authorize.AuthorizeFlow;
import io.latchkey.auth.authorize.PgCodeRepository;
import io.latchkey.auth.authorize.PgInteractionRepository;
import io.latchkey.auth.backchannel.BackchannelDelivery;
import io.latchkey.auth.backchannel.PgBackchannelOutbox;
import io.latchkey.auth.browser.PgBrowserSessionRepository;
import io.latchkey.auth.client.ClientAuthenticator;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.client.CorsOrigins;
import io.latchkey.auth.client.PgClientRepository;
import io.latchkey.auth.client.PgCorsOriginRepository;
import io.latchkey.auth.config.AuthServerConfig;
import io.latchkey.auth.consent.PgConsentRepository;
import io.latchkey.auth.dpop.AccessTokenProofs;
import io.latchkey.auth.dpop.DpopNonces;
import io.latchkey.auth.dpop.PgProofJtiRepository;
import io.latchkey.auth.dpop.ProofCheckThreads;
import io.latchkey.auth.dpop.TokenEndpointProofs;
import io.latchkey.auth.feed.ConfidentialClientFeedAccess;
import io.latchkey.auth.feed.PgRevocationRepository;
import io.latchkey.auth.feed.RevocationFeed;
import io.latchkey.auth.feed.RevocationPruner;
import io.latchkey.auth.grant.AuthorizationCodeGrant;
import io.latchkey.auth.grant.ClientCredentialsGrant;
import io.latchkey.auth.grant.GrantDispatcher;
import io.latchkey.auth.grant.PasswordGrant;
import io.latchkey.auth.grant.RefreshTokenGrant;
import io.latchkey.auth.grant.TokenRequestScreen;
import io.latchkey.auth.http.AdminRoutes;
import io.latchkey.auth.http.AuthServerRouter;
import io.latchkey.auth.http.BrowserRoutes;
import io.latchkey.auth.http.ClientCors;
import io.latchkey.auth.http.ClientIp;
import io.latchkey.auth.http.FeedRoutes;
import io.latchkey.auth.http.LogoutRoutes;
import io.latchkey.auth.http.OAuthErrors;
import io.latchkey.auth.http.RevokeRoutes;
import io.latchkey.auth.http.TokenRoutes;
import io.latchkey.auth.http.UserInfoRoutes;
import io.latchkey.auth.introspect.Introspection;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.jwt.PgSigningKeyRepository;
import io.latchkey.auth.jwt.SigningKeys;
import io.latchkey.auth.login.CredentialCheck;
import io.latchkey.auth.metadata.ServerMetadata;
import io.latchkey.auth.metrics.AuthMetrics;
import io.latchkey.auth.network.TokenEndpointIpGate;
import io.latchkey.auth.oidc.EndSession;
import io.latchkey.auth.oidc.ProfileClaimsSource;
import io.latchkey.auth.oidc.UserInfo;
import io.latchkey.auth.password.PasswordHasher;
import io.latchkey.auth.revocation.Logout;
import io.latchkey.auth.revocation.RevocationRateLimiter;
import io.latchkey.auth.revocation.TokenRevocation;
import io.latchkey.auth.session.LogoutJobRunner;
import io.latchkey.auth.session.PgLogoutJobRepository;
import io.latchkey.auth.session.PgSessionRepository;
import io.latchkey.auth.session.SessionPruner;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.auth.throttle.PgLoginThrottle;
import io.latchkey.auth.token.AccessTokenFactory;
import io.latchkey.auth.token.KeyServiceProbe;
import io.latchkey.auth.token.KeyServiceSigner;
import io.latchkey.auth.token.Scopes;
import io.latchkey.auth.user.PgUserRepository;
import io.latchkey.auth.user.ProfileClaims;
import io.latchkey.common.dpop.DpopProofChecker;
import io.latchkey.common.health.Dependencies;
import io.latchkey.common.health.Dependency;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.db.Database;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.List;

/**
 * auth-server's object graph, built once per verticle from its settings, the pool and Vert.x: repositories,
 * services, the background jobs and the routes over them. {@link #start()} brings up what must run before the
 * listener accepts requests; {@link #endStreams()} and {@link #close()} take it down around the listener's
 * shutdown.
 */
final class AuthServerComponents {
    /** Per client and replica (RFC 7009 §2.2.1 lets the server refuse a client that floods it). */
    private static final int REVOCATIONS_PER_SECOND = 20;
    /** HTTP connections to key-service per event loop. */
    private static final int SIGNING_CONNECTIONS = 64;
    /** How often a replica looks for unfinished logout jobs (a new one, or one a stopped replica left). */
    private static final long LOGOUT_JOB_POLL_MS = 1000;

    private final Vertx vertx;
    private final AuthServerConfig config;
    private final Pool pool;
    private final PasswordHasher hasher;
    private final ClientRepository clients;
    private final KeyServiceSigner signer;
    private final KeyServiceAdmin keyAdmin;
    private final SessionPruner sessionPruner;
    private final LogoutJobRunner logoutJobs;
    private final BackchannelDelivery backchannel;
    private final RevocationFeed feed;
    private final RevocationPruner revocationPruner;
    private final AuthServerRouter router;
    private final KeyServiceProbe keyServiceProbe;
    private final Dependencies dependencies;
    private long sessionPruneTimer = -1;

    /** Builds the graph; the password hasher (and its dummy hash) is made off the event loop. */
    static Future<AuthServerComponents> create(
            Vertx vertx, AuthServerConfig config, Pool pool, AuthMetrics metrics, ServiceMetrics serviceMetrics) {
        return vertx.executeBlocking(() -> new PasswordHasher(vertx, config.argon2()))
                .map(hasher -> new AuthServerComponents(vertx, config, pool, hasher, metrics, serviceMetrics));
    }

    private AuthServerComponents(
            Vertx vertx,
            AuthServerConfig config,
            Pool pool,
            PasswordHasher hasher,
            AuthMetrics metrics,
            ServiceMetrics serviceMetrics) {
        this.vertx = vertx;
        this.config = config;
        this.pool = pool;
        this.hasher = hasher;
        metrics.watch(hasher);
        Clock clock = Clock.systemUTC();

        // Repositories, token verification and pruning over the database.
        clients = new PgClientRepository(pool);
        var users = new PgUserRepository(pool);
        var sessions = new PgSessionRepository();
        var revocationList = new PgRevocationRepository(pool);
        var throttle = new PgLoginThrottle();
        var audit = new PgAuditRepository();
        var verifier = new AccessTokenVerifier(
                new SigningKeys(new PgSigningKeyRepository(pool), clock::millis),
                revocationList,
                config.issuer(),
                clock::millis);
        var interactions = new PgInteractionRepository();
        var codes = new PgCodeRepository();
        var outbox = new PgBackchannelOutbox();
        var proofJtis = new PgProofJtiRepository(pool);
        sessionPruner = new SessionPruner(
                pool,
                sessions,
                throttle,
                outbox,
                List.of(interactions::prune, codes::prune, outbox::prune, proofJtis::prune));
        feed = new RevocationFeed(vertx, revocationList, config.database().connectOptions(), config.feed());
        metrics.watch(feed);
        revocationPruner = new RevocationPruner(vertx, revocationList, clock, config.feed());

        // Services.
        var logoutJobRepository = new PgLogoutJobRepository();
        var terminator = new SessionTerminator(
                sessions,
                users,
                clients,
                revocationList,
                config.accessTokenTtl(),
                clock,
                metrics,
                outbox,
                logoutJobRepository,
                config.logoutBatchSize());
        logoutJobs = new LogoutJobRunner(
                vertx,
                pool,
                logoutJobRepository,
                terminator,
                audit,
                config.logoutBatchSize(),
                LOGOUT_JOB_POLL_MS,
                metrics);
        signer = new KeyServiceSigner(
                vertx, config.keyServiceUrls(), config.internalSecret(), SIGNING_CONNECTIONS, config.keyServiceTls());
        backchannel = new BackchannelDelivery(
                vertx,
                pool,
                outbox,
                signer,
                config.issuer(),
                config.database().connectOptions(),
                BackchannelDelivery.Settings.DEFAULTS,
                clock);
        metrics.watch(backchannel);
        var tokens = new AccessTokenFactory(config.issuer(), config.accessTokenTtl(), clock);
        var authenticator = new ClientAuthenticator(clients);
        ProfileClaimsSource profiles = (userId, scope) -> users.profile(pool, userId)
                .map(profile -> profile.map(p -> ProfileClaims.forScopes(p, Scopes.split(scope)))
                        .orElseGet(JsonObject::new));
        var credentials = new CredentialCheck(pool, users, throttle, audit, hasher, metrics);
        // Sender-constrained tokens: DPoP proofs (RFC 9449) and the per-client source-IP allowlist.
        var dpopChecker = new DpopProofChecker();
        DpopNonces nonces = config.dpopNonceRequired() ? new DpopNonces(config.internalSecret(), clock::millis) : null;
        var proofThreads = ProofCheckThreads.of(vertx);
        var tokenProofs = new TokenEndpointProofs(
                dpopChecker, proofJtis, nonces, config.issuer() + "/oauth2/token", proofThreads);
        var ipGate = new TokenEndpointIpGate(pool, audit);
        var accessTokenProofs = new AccessTokenProofs(dpopChecker, proofJtis, proofThreads);
        TokenRequestScreen screen = (client, ip, dpopHeaders) ->
                ipGate.admit(client, ip).compose(v -> tokenProofs.check(client, dpopHeaders));
        var grants = new GrantDispatcher(
                authenticator,
                List.of(
                        new ClientCredentialsGrant(tokens, signer, metrics),
                        new PasswordGrant(
                                pool,
                                users,
                                sessions,
                                credentials,
                                audit,
                                tokens,
                                signer,
                                config.refreshTokenTtl(),
                                config.sessionMaxAge(),
                                clock),
                        new RefreshTokenGrant(
                                pool,
                                sessions,
                                terminator,
                                audit,
                                tokens,
                                signer,
                                config.refreshTokenTtl(),
                                clock,
                                metrics),
                        new AuthorizationCodeGrant(
                                pool,
                                codes,
                                terminator,
                                audit,
                                tokens,
                                signer,
                                config.refreshTokenTtl(),
                                clock,
                                metrics,
                                profiles)),
                metrics,
                screen);
        var logout = new Logout(pool, verifier, sessions, terminator, audit);
        var revocation = new TokenRevocation(pool, verifier, sessions, terminator, audit, clock);
        var adminDirectory = new PgAdminDirectory(pool);
        keyAdmin = new KeyServiceAdmin(vertx, config.keyServiceUrls(), config.internalSecret(), config.keyServiceTls());
        var admin = new AdminOperations(
                new AdminService(pool, users, clients, hasher, terminator, audit, adminDirectory),
                new AdminReads(adminDirectory, clients),
                new KeyAdministration(keyAdmin, pool, audit),
                new LogoutJobReads(pool, logoutJobRepository));
        var browserSessions = new PgBrowserSessionRepository();
        var authorizeFlow = new AuthorizeFlow(
                pool,
                clients,
                interactions,
                codes,
                browserSessions,
                new PgConsentRepository(),
                users,
                credentials,
                audit,
                config.issuer(),
                config.sessionMaxAge(),
                clock);

        // Routes.
        var clientIp = new ClientIp(config.trustedProxies());
        var cors = new ClientCors(new CorsOrigins(new PgCorsOriginRepository(pool), CorsOrigins.TTL, System::nanoTime));
        router = new AuthServerRouter(
                config.tls(),
                serviceMetrics,
                new TokenRoutes(
                        ServerMetadata.of(config.issuer(), config.jwksUri()),
                        ServerMetadata.openid(config.issuer(), config.jwksUri()),
                        grants,
                        authenticator,
                        new Introspection(verifier),
                        clientIp,
                        cors,
                        nonces),
                new RevokeRoutes(
                        authenticator,
                        new RevocationRateLimiter(REVOCATIONS_PER_SECOND, System::nanoTime),
                        revocation,
                        clientIp,
                        cors),
                new LogoutRoutes(logout, clientIp, accessTokenProofs, config.issuer()),
                new AdminRoutes(new AdminAuthorization(verifier, config.issuer()), admin),
                new FeedRoutes(revocationList, feed, new ConfidentialClientFeedAccess(authenticator), clock),
                new BrowserRoutes(
                        authorizeFlow,
                        new EndSession(pool, verifier, clients, browserSessions, terminator, audit, clock),
                        clientIp,
                        config.issuer()),
                new UserInfoRoutes(
                        new UserInfo(verifier, profiles), clients, cors, accessTokenProofs, config.issuer()));

        // What /health/ready reports and outage answers count against.
        keyServiceProbe = new KeyServiceProbe(vertx, config.keyServiceUrls(), config.keyServiceTls());
        dependencies = new Dependencies(List.of(
                        new Dependency(OAuthErrors.DATABASE, () -> Database.ping(pool)),
                        new Dependency(KeyServiceSigner.KEY_SERVICE, keyServiceProbe::probe)))
                .bindTo(serviceMetrics.registry());
        router.dependencies(dependencies);
    }

    /** The dependencies /health/ready names, for the management listener as for the public one. */
    Dependencies dependencies() {
        return dependencies;
    }

    AuthServerRouter router() {
        return router;
    }

    /** Seeds {@code admin-cli} when its secret is set, then waits until this replica's feed follows the list. */
    Future<Void> start() {
        sessionPruneTimer = sessionPruner.schedule(vertx);
        dependencies.start(vertx);
        return AdminClientBootstrap.apply(clients, config.adminClientSecret(), config.issuer())
                .compose(v -> feed.start())
                .compose(v -> backchannel.start());
    }

    /** Once the listener accepts requests. */
    void listening() {
        revocationPruner.start();
        logoutJobs.start();
    }

    /**
     * Ready when the database answers and this replica's revocation feed follows it. Not key-service: while it is
     * down tokens cannot be signed (503), but resource servers still need this replica's revocation feed, and
     * taking every replica out of the load balancer would cut it; the ready body names key-service's state.
     */
    Future<?> ready() {
        return Database.ping(pool)
                .compose(v -> feed.healthy()
                        ? Future.succeededFuture()
                        : Future.failedFuture("revocation feed is not following the database"));
    }

    /** Stops the pruners and ends every revocation stream, so no open stream holds the listener's shutdown. */
    Future<Void> endStreams() {
        revocationPruner.stop();
        logoutJobs.stop();
        dependencies.stop();
        if (sessionPruneTimer >= 0) {
            vertx.cancelTimer(sessionPruneTimer);
        }
        return Future.join(feed.stop(), backchannel.stop()).mapEmpty();
    }

    /** Releases the key-service client and the hashing threads; the pool is the caller's. */
    Future<Void> close() {
        signer.close();
        keyServiceProbe.close();
        hasher.close();
        keyAdmin.close();
        return Future.succeededFuture();
    }
}
