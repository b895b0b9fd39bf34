package io.latchkey.auth.http;

import io.latchkey.common.health.Dependencies;
import io.latchkey.common.http.HealthRoutes;
import io.latchkey.common.http.Hsts;
import io.latchkey.common.http.RequestIdHandler;
import io.latchkey.common.metrics.ServiceMetrics;
import io.latchkey.common.tls.ServerTls;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.function.Supplier;

/**
 * auth-server's router: a request id on every response, HSTS under TLS, health, every route group, and
 * {@link OAuthErrors} as the one renderer of failures (404 and 405 included: {@code /metrics} is 404 here, served
 * only by the management listener). Each listener gets a
 * router of its own over the same route objects.
 */
public final class AuthServerRouter {
    private final ServerTls tls;
    private final TokenRoutes token;
    private final RevokeRoutes revoke;
    private final LogoutRoutes logout;
    private final AdminRoutes admin;
    private final FeedRoutes feed;
    private final BrowserRoutes browser;
    private final UserInfoRoutes userInfo;
    private Dependencies dependencies = Dependencies.none();

    /**
     * {@code metrics} is not served here: the management listener serves the process's registry. The parameter
     * stays so the wiring that builds this router need not change.
     */
    public AuthServerRouter(
            ServerTls tls,
            ServiceMetrics metrics,
            TokenRoutes token,
            RevokeRoutes revoke,
            LogoutRoutes logout,
            AdminRoutes admin,
            FeedRoutes feed,
            BrowserRoutes browser,
            UserInfoRoutes userInfo) {
        this.tls = tls;
        this.token = token;
        this.revoke = revoke;
        this.logout = logout;
        this.admin = admin;
        this.feed = feed;
        this.browser = browser;
        this.userInfo = userInfo;
    }

    /** What the ready body lists and what outage answers count against. */
    public AuthServerRouter dependencies(Dependencies dependencies) {
        this.dependencies = dependencies;
        return this;
    }

    /** A router for one listener; {@code readiness} succeeds when the server can serve. */
    public Router create(Vertx vertx, Supplier<Future<?>> readiness) {
        Router router = Router.router(vertx);
        RequestIdHandler.mount(router);
        OAuthErrors.attach(router, dependencies);
        Hsts.mount(router, tls);
        SingletonHeaders.mount(router);
        HealthRoutes.mount(vertx, router, readiness, dependencies);
        token.mount(router);
        logout.mount(router);
        revoke.mount(router);
        admin.mount(router);
        feed.mount(router);
        browser.mount(router);
        userInfo.mount(router);
        router.errorHandler(404, OAuthErrors::render);
        router.errorHandler(405, OAuthErrors.methodNotAllowed(router));
        router.route().failureHandler(OAuthErrors::render);
        return router;
    }
}
