package io.latchkey.demo.web.http;

import io.latchkey.demo.web.AuthServer;
import io.latchkey.demo.web.CallbackParams;
import io.latchkey.demo.web.Csrf;
import io.latchkey.demo.web.Pages;
import io.latchkey.demo.web.SessionEnded;
import io.latchkey.demo.web.SessionStore;
import io.latchkey.demo.web.SignIn;
import io.latchkey.demo.web.SignInProblem;
import io.latchkey.demo.web.WebApp;
import io.latchkey.demo.web.WebCookies;
import io.latchkey.demo.web.WebSession;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notes web app's pages: {@code GET /} (signed out: "Sign in"; signed in: the user, their notes, a form to add
 * one and "Sign out"; also the post-logout redirect URI, with {@code state}), {@code GET /login} (starts the
 * authorization code flow), {@code GET /callback} (the redirect URI; one with a state this browser no longer has
 * sends a signed-in browser home), {@code POST /notes} and {@code POST /logout}
 * (both with the CSRF token; sign-out ends the local session and sends the browser to the issuer's end-session
 * endpoint), and the stylesheet; plus the server-to-server {@link BackChannelLogoutRoutes}. Handlers only translate
 * between HTTP and {@link WebApp}; every page carries a strict Content-Security-Policy, {@code no-store}, {@code
 * Referrer-Policy: same-origin} (the callback URL holds a code, which must not reach another site; with {@code
 * no-referrer} a browser sends {@code Origin: null} on the app's own form posts, which the CSRF check refuses) and
 * refuses framing.
 */
public final class WebRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(WebRoutes.class);
    private static final int BODY_LIMIT = 16 * 1024;
    private static final String SESSION_ENDED = "You have been signed out: your sign-in ended elsewhere or was"
            + " revoked. Sign in again to see your notes.";
    private static final String SIGNED_OUT = "You are signed out, of the notes app and of Latchkey.";
    private static final String SIGNED_OUT_UNCONFIRMED = "You are signed out of the notes app. This page was not"
            + " reached from a sign-out this app started (or it was reloaded), so it cannot tell whether Latchkey"
            + " signed you out too.";

    private final WebApp app;
    private final WebCookies cookies;
    private final String contentSecurityPolicy;

    public WebRoutes(WebApp app) {
        this.app = app;
        this.cookies = new WebCookies(app.settings().secureCookies());
        // form-action names the issuer too: browsers apply it to the redirects that follow a form post.
        this.contentSecurityPolicy = "default-src 'none'; style-src 'self'; form-action 'self' "
                + app.settings().issuer() + "; frame-ancestors 'none'; base-uri 'none'";
    }

    public void mount(Router router) {
        router.get(Pages.STYLESHEET_PATH).handler(this::stylesheet);
        router.get("/").handler(this::home).failureHandler(this::failure);
        router.get("/login").handler(this::login).failureHandler(this::failure);
        router.get("/callback").handler(this::callback).failureHandler(this::failure);
        router.post("/notes")
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(this::addNote)
                .failureHandler(this::failure);
        router.post("/logout")
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(this::logout)
                .failureHandler(this::failure);
        // Server to server: none of the page handlers above (cookies, CSRF, redirects) applies to it.
        new BackChannelLogoutRoutes(app.backChannelLogout()).mount(router);
    }

    private void home(RoutingContext ctx) {
        Optional<WebSession> session = session(ctx);
        // The post-logout redirect URI is this page: a state says the browser is back from the end-session endpoint.
        List<String> states = ctx.queryParam("state");
        Optional<String> returned = states.isEmpty()
                ? Optional.empty()
                : Optional.of(
                        states.size() == 1 && app.signOutReturned(states.get(0)) ? SIGNED_OUT : SIGNED_OUT_UNCONFIRMED);
        if (session.isEmpty()) {
            html(ctx, 200, Pages.signedOut(returned));
            return;
        }
        app.home(session.get())
                .onSuccess(view -> html(ctx, 200, Pages.home(view)))
                .onFailure(e -> sessionFailure(ctx, session.get(), e));
    }

    private void login(RoutingContext ctx) {
        SignIn.Start start;
        try {
            start = app.signIn().start(cookie(ctx, WebCookies.PRE_LOGIN));
        } catch (SignInProblem e) {
            signInProblem(ctx, e);
            return;
        }
        ctx.response().addCookie(cookies.preLogin(start.browserKey()));
        redirect(ctx, start.authorizationUrl());
    }

    private void callback(RoutingContext ctx) {
        app.signIn()
                .complete(cookie(ctx, WebCookies.PRE_LOGIN), CallbackParams.from(ctx.queryParams()))
                .onSuccess(signedIn -> {
                    // A sign-in always gets a new session id; one this browser held before ends (no fixation).
                    app.sessions().find(cookie(ctx, WebCookies.SESSION)).ifPresent(app::endSession);
                    SessionStore.Created created;
                    try {
                        created = app.sessions().create(signedIn);
                    } catch (SessionStore.Full e) {
                        signInProblem(ctx, new SignInProblem(SignInProblem.Reason.BUSY, "session store full"));
                        return;
                    }
                    ctx.response().addCookie(cookies.session(created.cookieValue()));
                    redirect(ctx, "/");
                })
                .onFailure(e -> {
                    if (e instanceof SignInProblem problem
                            && problem.reason() == SignInProblem.Reason.UNKNOWN_STATE
                            && session(ctx).isPresent()) {
                        // The back button or a reload after a sign-in that completed: auth-server sends the browser
                        // back with the used state. The browser is signed in, so home is where it was going.
                        LOG.info("Callback with an unknown state from a signed-in browser: back to the home page");
                        redirect(ctx, "/");
                    } else if (e instanceof SignInProblem problem) {
                        signInProblem(ctx, problem);
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private void addNote(RoutingContext ctx) {
        Optional<WebSession> session = session(ctx);
        if (session.isEmpty()) {
            redirect(ctx, "/");
            return;
        }
        if (!csrfPasses(ctx, session.get())) {
            formExpired(ctx);
            return;
        }
        app.addNote(session.get(), ctx.request().getFormAttribute("text"))
                .onSuccess(v -> redirect(ctx, "/"))
                .onFailure(e -> sessionFailure(ctx, session.get(), e));
    }

    private void logout(RoutingContext ctx) {
        Optional<WebSession> session = session(ctx);
        if (session.isEmpty()) {
            redirect(ctx, "/");
            return;
        }
        if (!csrfPasses(ctx, session.get())) {
            formExpired(ctx);
            return;
        }
        app.signOut(session.get())
                .onSuccess(out -> {
                    ctx.response().addCookie(cookies.expired(WebCookies.SESSION));
                    if (out.warning().isPresent()) {
                        html(ctx, 200, Pages.signedOut(out.warning()));
                    } else {
                        redirect(ctx, out.location());
                    }
                })
                .onFailure(e -> {
                    ctx.response().addCookie(cookies.expired(WebCookies.SESSION));
                    ctx.fail(e);
                });
    }

    private void stylesheet(RoutingContext ctx) {
        ctx.response()
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/css; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "public, max-age=3600")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(Pages.STYLESHEET);
    }

    /** The session the cookie names; a cookie that names none is forgotten. */
    private Optional<WebSession> session(RoutingContext ctx) {
        String value = cookie(ctx, WebCookies.SESSION);
        if (value == null) {
            return Optional.empty();
        }
        Optional<WebSession> session = app.sessions().find(value);
        if (session.isEmpty()) {
            ctx.response().addCookie(cookies.expired(WebCookies.SESSION));
        }
        return session;
    }

    private boolean csrfPasses(RoutingContext ctx, WebSession session) {
        return Csrf.accepts(
                session.csrfToken(),
                ctx.request().getFormAttribute(Csrf.FIELD),
                ctx.request().getHeader(HttpHeaders.ORIGIN),
                app.settings().baseUrl());
    }

    /** A session whose tokens no longer count becomes the signed-out page with a note; others fail the request. */
    private void sessionFailure(RoutingContext ctx, WebSession session, Throwable e) {
        if (e instanceof SessionEnded) {
            LOG.info("Session ended: {}", e.getMessage());
            app.endSession(session);
            ctx.response().addCookie(cookies.expired(WebCookies.SESSION));
            html(ctx, 200, Pages.signedOut(Optional.of(SESSION_ENDED)));
        } else if (e instanceof AuthServer.Unavailable) {
            LOG.warn("Could not renew a session's tokens: {}", e.getMessage());
            html(
                    ctx,
                    503,
                    Pages.problem(
                            "Cannot reach the sign-in server",
                            "Your sign-in needs renewing, and Latchkey cannot be reached right now. Try again in a"
                                    + " moment.",
                            Optional.empty()));
        } else {
            ctx.fail(e);
        }
    }

    private void signInProblem(RoutingContext ctx, SignInProblem problem) {
        switch (problem.reason()) {
            case FAILED, REJECTED, UNAVAILABLE, BUSY -> LOG.warn("Sign-in did not complete: {}", problem.getMessage());
            default -> LOG.info("Sign-in did not complete: {}", problem.getMessage());
        }
        switch (problem.reason()) {
            case UNKNOWN_STATE ->
                html(
                        ctx,
                        400,
                        Pages.problem(
                                "This sign-in has expired",
                                "It took too long, was completed already, or was started in another browser. Nothing was"
                                        + " changed.",
                                Optional.empty()));
            case WRONG_ISSUER ->
                html(
                        ctx,
                        400,
                        Pages.problem(
                                "Sign-in refused",
                                "The answer did not come from the sign-in server this app uses, so it was ignored.",
                                Optional.empty()));
            case DENIED ->
                // access_denied covers a sign-in page that expired as well as a user who declined: the title
                // takes no side, and the server's own words say which.
                html(
                        ctx,
                        400,
                        Pages.problem(
                                "access_denied".equals(problem.error())
                                        ? "Sign-in did not finish"
                                        : "Sign-in did not complete",
                                "access_denied".equals(problem.error())
                                        ? "You are not signed in, and nothing was shared with the notes app."
                                        : "The sign-in server could not sign you in.",
                                Optional.of(serverSaid(problem))));
            case MALFORMED ->
                html(
                        ctx,
                        400,
                        Pages.problem(
                                "Sign-in did not complete",
                                "The answer from the sign-in server was not understood.",
                                Optional.empty()));
            case FAILED ->
                html(
                        ctx,
                        502,
                        Pages.problem(
                                "Sign-in did not complete",
                                "The sign-in server did not confirm your sign-in. Please try again.",
                                Optional.empty()));
            case REJECTED ->
                html(
                        ctx,
                        400,
                        Pages.problem(
                                "Sign-in refused",
                                "The sign-in could not be confirmed as the one this browser started, so it was not"
                                        + " accepted and nothing was changed. Please sign in again.",
                                Optional.empty()));
            case UNAVAILABLE ->
                html(
                        ctx,
                        503,
                        Pages.problem(
                                "Cannot reach the sign-in server",
                                "Latchkey cannot be reached right now. Try again in a moment.",
                                Optional.empty()));
            case BUSY ->
                html(
                        ctx,
                        503,
                        Pages.problem(
                                "Too many sign-ins right now", "Please try again in a moment.", Optional.empty()));
        }
    }

    /** The server's description, which is written for people; its error code when it sent none. */
    private static String serverSaid(SignInProblem problem) {
        String said = problem.description() == null || problem.description().isBlank()
                ? problem.error()
                : problem.description();
        return said.length() > 300 ? said.substring(0, 300) + "…" : said;
    }

    private void formExpired(RoutingContext ctx) {
        LOG.info("Form post refused: CSRF token or origin did not match");
        html(
                ctx,
                403,
                Pages.problem(
                        "This form has expired",
                        "Nothing was changed. Go back to your notes and try again.",
                        Optional.empty()));
    }

    /** The one place web failures are rendered: a request problem is its own page; anything else is logged once. */
    private void failure(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        int status = ctx.statusCode();
        if (status == 413) {
            html(ctx, 413, Pages.problem("That note is too long", "Nothing was saved.", Optional.empty()));
        } else if (status >= 400 && status < 500) {
            html(ctx, status, Pages.problem("That did not work", "The request was not understood.", Optional.empty()));
        } else if (ctx.response().closed()) {
            LOG.info(
                    "Client closed the connection during {} {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.failure());
        } else {
            LOG.error(
                    "Unexpected failure on {} {}",
                    ctx.request().method(),
                    ctx.request().path(),
                    ctx.failure());
            html(
                    ctx,
                    500,
                    Pages.problem(
                            "Something went wrong",
                            "The notes app could not complete that. Try again in a moment.",
                            Optional.empty()));
        }
    }

    private static String cookie(RoutingContext ctx, String name) {
        Cookie cookie = ctx.request().getCookie(name);
        return cookie == null ? null : cookie.getValue();
    }

    private void html(RoutingContext ctx, int status, String page) {
        if (ctx.response().ended()) {
            return;
        }
        secure(ctx.response())
                .setStatusCode(status)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/html; charset=utf-8")
                .end(page);
    }

    private void redirect(RoutingContext ctx, String location) {
        if (ctx.response().ended()) {
            return;
        }
        secure(ctx.response())
                .setStatusCode(303)
                .putHeader(HttpHeaders.LOCATION, location)
                .end();
    }

    private HttpServerResponse secure(HttpServerResponse response) {
        return response.putHeader("Content-Security-Policy", contentSecurityPolicy)
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "same-origin")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    }
}
