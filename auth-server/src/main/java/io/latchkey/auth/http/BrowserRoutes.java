package io.latchkey.auth.http;

import io.latchkey.auth.authorize.AuthorizeError;
import io.latchkey.auth.authorize.AuthorizeFlow;
import io.latchkey.auth.authorize.BrowserCookies;
import io.latchkey.auth.authorize.Step;
import io.latchkey.auth.oauth.FormBody;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.oidc.EndSession;
import io.latchkey.auth.pages.Pages;
import io.latchkey.common.http.GetAndHead;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.Cookie;
import io.vertx.core.http.CookieSameSite;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The browser-facing pages: {@code /oauth2/authorize} (GET, and POST answered by a 303 to the same request as a
 * GET, so the browser's {@code SameSite=Lax} cookies come along), {@code /login/{id}}, {@code /consent/{id}} and
 * their stylesheet. Every answer is a 303 or an HTML page with the headers DESIGN lists; no error here is ever
 * JSON, and none redirects unless {@link AuthorizeFlow} said where. Cookies are {@code HttpOnly}, {@code
 * SameSite=Lax}, {@code Path=/}, and under an {@code https} issuer {@code Secure} with the {@code __Host-} prefix.
 */
public final class BrowserRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(BrowserRoutes.class);
    public static final String END_SESSION = "/oauth2/end-session";

    private final AuthorizeFlow flow;
    private final EndSession endSession;
    private final ClientIp clientIp;
    private final String issuer;
    private final boolean secure;
    private final String bindingCookie;
    private final String sessionCookie;
    private final Buffer stylesheet;

    public BrowserRoutes(AuthorizeFlow flow, EndSession endSession, ClientIp clientIp, String issuer) {
        this.flow = flow;
        this.endSession = endSession;
        this.clientIp = clientIp;
        this.issuer = issuer;
        this.secure = issuer.startsWith("https://");
        String prefix = secure ? "__Host-" : "";
        this.bindingCookie = prefix + "latchkey-browser";
        this.sessionCookie = prefix + "latchkey-session";
        this.stylesheet = Buffer.buffer(resource("/pages/latchkey.css"));
    }

    /** The name of the session cookie, for tests and for whoever ends browser sessions by cookie. */
    public String sessionCookieName() {
        return sessionCookie;
    }

    public void mount(Router router) {
        router.get("/oauth2/authorize").handler(ctx -> answer(ctx, c -> flow.authorize(query(c), cookies(c))));
        router.post("/oauth2/authorize")
                .handler(FormBodyReader::read)
                .handler(ctx -> ctx.response()
                        .setStatusCode(303)
                        .putHeader(
                                "Location",
                                "/oauth2/authorize?" + FormBodyReader.of(ctx).encoded())
                        .putHeader("Cache-Control", "no-store")
                        .end())
                .failureHandler(this::failed);
        router.get("/login/:interaction")
                .handler(ctx -> answer(ctx, c -> flow.loginPage(c.pathParam("interaction"), cookies(c))));
        router.post("/login/:interaction")
                .handler(FormBodyReader::read)
                .handler(ctx -> answer(
                        ctx,
                        c -> flow.login(
                                c.pathParam("interaction"),
                                cookies(c),
                                FormBodyReader.of(c),
                                clientIp.of(c.request()))))
                .failureHandler(this::failed);
        router.get("/consent/:interaction")
                .handler(ctx -> answer(ctx, c -> flow.consentPage(c.pathParam("interaction"), cookies(c))));
        router.post("/consent/:interaction")
                .handler(FormBodyReader::read)
                .handler(ctx -> answer(
                        ctx,
                        c -> flow.consent(
                                c.pathParam("interaction"),
                                cookies(c),
                                FormBodyReader.of(c),
                                clientIp.of(c.request()))))
                .failureHandler(this::failed);
        router.get(END_SESSION).handler(ctx -> endSession(ctx, query(ctx)));
        router.post(END_SESSION)
                .handler(FormBodyReader::read)
                .handler(ctx -> endSession(ctx, FormBodyReader.of(ctx)))
                .failureHandler(this::failed);
        GetAndHead.route(router, Pages.STYLESHEET).handler(ctx -> ctx.response()
                .putHeader("Content-Type", "text/css;charset=UTF-8")
                .putHeader("Cache-Control", "public, max-age=3600")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(stylesheet));
    }

    /** {@code /oauth2/end-session}: a form with {@code confirm} is the user's answer to the confirmation page. */
    private void endSession(RoutingContext ctx, FormBody params) {
        Optional<String> cookie = value(ctx, sessionCookie);
        String ip = clientIp.of(ctx.request());
        EndSession.Request request = new EndSession.Request(
                params.optional("id_token_hint"),
                params.optional("client_id"),
                params.optional("post_logout_redirect_uri"),
                params.optional("state"));
        Future<EndSession.Outcome> outcome = params.optional("confirm").isPresent()
                ? endSession.confirm(request, params.optional("csrf").orElse(""), cookie, ip)
                : endSession.start(request, cookie, ip);
        outcome.onSuccess(result -> {
                    if (result instanceof EndSession.Confirm confirm) {
                        html(
                                ctx,
                                200,
                                null,
                                Pages.confirmSignOut(confirm.csrf(), confirm.clientName(), hidden(request)));
                        return;
                    }
                    EndSession.SignedOut out = (EndSession.SignedOut) result;
                    ctx.response().addCookie(cookie(sessionCookie, "").setMaxAge(0));
                    if (out.redirect().isPresent()) {
                        write(ctx, Step.Go.to(out.redirect().get()));
                    } else {
                        html(ctx, 200, null, Pages.signedOut());
                    }
                })
                .onFailure(e -> failed(ctx, e));
    }

    /** The parameters the confirmation form carries back (never the hint: without a valid one it is of no use). */
    private static Map<String, String> hidden(EndSession.Request request) {
        Map<String, String> hidden = new LinkedHashMap<>();
        request.clientId().ifPresent(v -> hidden.put("client_id", v));
        request.postLogoutRedirectUri().ifPresent(v -> hidden.put("post_logout_redirect_uri", v));
        request.state().ifPresent(v -> hidden.put("state", v));
        return hidden;
    }

    private void answer(RoutingContext ctx, Function<RoutingContext, Future<Step>> work) {
        Future.succeededFuture(ctx)
                .compose(work)
                .onSuccess(step -> write(ctx, step))
                .onFailure(e -> failed(ctx, e));
    }

    private void write(RoutingContext ctx, Step step) {
        HttpServerResponse response = ctx.response();
        if (step instanceof Step.Go go) {
            go.bindingCookie().ifPresent(value -> response.addCookie(cookie(bindingCookie, value)));
            go.sessionCookie().ifPresent(value -> response.addCookie(cookie(sessionCookie, value)));
            response.setStatusCode(303)
                    .putHeader("Location", go.location())
                    .putHeader("Cache-Control", "no-store")
                    .putHeader("Referrer-Policy", "no-referrer")
                    .end();
        } else if (step instanceof Step.Login login) {
            login.retryAfter().ifPresent(seconds -> response.putHeader("Retry-After", Long.toString(seconds)));
            html(ctx, login.status(), login.redirectOrigin(), Pages.login(login));
        } else if (step instanceof Step.Consent consent) {
            html(ctx, 200, consent.redirectOrigin(), Pages.consent(consent));
        }
    }

    private void failed(RoutingContext ctx) {
        failed(ctx, ctx.failure() == null ? OAuthError.routing(ctx.statusCode()) : ctx.failure());
    }

    /**
     * Errors of the flow: back to the client when the flow said where, else a page. A malformed request is a 400
     * page; anything unexpected is logged once with its trace and shown as a 500 page without detail.
     */
    private void failed(RoutingContext ctx, Throwable cause) {
        if (ctx.response().ended()) {
            return;
        }
        Throwable failure = OAuthErrors.outageOr(cause);
        if (failure instanceof AuthorizeError error) {
            if (error.redirects()) {
                LOG.info("authorization error response error={}", error.error());
                write(
                        ctx,
                        new Step.Go(
                                error.target().withError(error.error(), error.getMessage(), issuer),
                                Optional.empty(),
                                Optional.empty()));
            } else {
                LOG.info("authorization page refused status={}", error.status());
                html(ctx, error.status(), null, Pages.error(error.getMessage()));
            }
            return;
        }
        if (failure instanceof OAuthError error && error.status() < 500) {
            LOG.info("browser request refused status={} error={}", error.status(), error.code());
            html(
                    ctx,
                    error.status(),
                    null,
                    Pages.error("The request could not be understood. Return to the application and try again."));
            return;
        }
        if (failure instanceof OAuthError error && error.code().equals("temporarily_unavailable")) {
            if (!OAuthErrors.countOutage(error, cause, OAuthErrors.dependenciesOf(ctx))) {
                LOG.warn("browser request refused: {}", error.description());
            }
            ctx.response().putHeader("Retry-After", String.valueOf(error.retryAfterSeconds()));
            html(ctx, 503, null, Pages.error("The server is busy. Try again in a moment."));
            return;
        }
        LOG.error("unexpected failure on {} {}", ctx.request().method(), ctx.normalizedPath(), failure);
        html(ctx, 500, null, Pages.error("Something went wrong on our side. Try again in a moment."));
    }

    /**
     * An HTML page with the headers DESIGN lists. {@code formTarget} is the origin a form on the page may end up
     * redirecting to (Chrome applies {@code form-action} to the redirects after a submission too).
     */
    private static void html(RoutingContext ctx, int status, String formTarget, String page) {
        String formAction = "'self'" + (formTarget == null ? "" : " " + formTarget);
        ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", "text/html;charset=UTF-8")
                .putHeader(
                        "Content-Security-Policy",
                        "default-src 'none'; style-src 'self'; img-src 'self'; form-action " + formAction
                                + "; frame-ancestors 'none'; base-uri 'none'")
                .putHeader("X-Frame-Options", "DENY")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache")
                .putHeader("X-Content-Type-Options", "nosniff")
                .end(page);
    }

    private Cookie cookie(String name, String value) {
        return Cookie.cookie(name, value)
                .setPath("/")
                .setHttpOnly(true)
                .setSecure(secure)
                .setSameSite(CookieSameSite.LAX);
    }

    private BrowserCookies cookies(RoutingContext ctx) {
        return new BrowserCookies(value(ctx, bindingCookie), value(ctx, sessionCookie));
    }

    private static Optional<String> value(RoutingContext ctx, String name) {
        Cookie cookie = ctx.request().getCookie(name);
        return cookie == null ? Optional.empty() : Optional.of(cookie.getValue());
    }

    /** The query string parsed strictly as a form: a repeated parameter or a bad encoding is refused. */
    private static FormBody query(RoutingContext ctx) {
        String query = ctx.request().query();
        return FormBody.parse(
                "application/x-www-form-urlencoded",
                query == null ? new byte[0] : query.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] resource(String path) {
        try (InputStream in = BrowserRoutes.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + path);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
