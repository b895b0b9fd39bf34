package io.latchkey.demo.web.http;

import io.latchkey.demo.web.BackChannelLogout;
import io.latchkey.verifier.VerifierUnavailable;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /backchannel-logout}, the client's registered {@code backchannel_logout_uri}: auth-server posts a
 * {@code logout_token} form field here, server to server. So it needs no cookie, no CSRF token and no {@code Origin},
 * and it never redirects: 200 with {@code Cache-Control: no-store} when the token was acted on, 400 with {@code
 * {"error":"invalid_request"}} for anything else the request carries (a missing, repeated or invalid token, a body
 * that is not a form), 503 with {@code Retry-After} while the issuer's keys cannot be vouched for (auth-server tries
 * again later). Why a token was refused goes to the log only.
 *
 * @see <a href="https://openid.net/specs/openid-connect-backchannel-1_0.html#BCResponse">Back-Channel Logout 1.0 §2.8</a>
 */
public final class BackChannelLogoutRoutes {
    public static final String PATH = "/backchannel-logout";

    private static final Logger LOG = LoggerFactory.getLogger(BackChannelLogoutRoutes.class);
    /** A logout token is about 1 KiB; the verifier parses at most 8 KiB. */
    private static final int BODY_LIMIT = 16 * 1024;

    private final BackChannelLogout logout;

    public BackChannelLogoutRoutes(BackChannelLogout logout) {
        this.logout = logout;
    }

    public void mount(Router router) {
        router.post(PATH)
                .handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT))
                .handler(this::logout)
                .failureHandler(this::failure);
    }

    private void logout(RoutingContext ctx) {
        String contentType = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
        if (contentType == null
                || !contentType.toLowerCase().startsWith("application/x-www-form-urlencoded")
                || ctx.request().formAttributes().getAll("logout_token").size() != 1) {
            invalid(ctx, "not a form with one logout_token");
            return;
        }
        logout.accept(ctx.request().getFormAttribute("logout_token"))
                .onSuccess(ended -> noStore(ctx.response()).setStatusCode(200).end())
                .onFailure(e -> {
                    if (e instanceof BackChannelLogout.Invalid) {
                        invalid(ctx, e.getMessage());
                    } else if (e instanceof VerifierUnavailable) {
                        LOG.warn("Back-channel logout deferred: the issuer's keys are not current");
                        json(ctx, 503, new JsonObject().put("error", "temporarily_unavailable"));
                    } else {
                        ctx.fail(e);
                    }
                });
    }

    private void invalid(RoutingContext ctx, String reason) {
        LOG.info("Back-channel logout refused: {}", reason);
        json(ctx, 400, new JsonObject().put("error", "invalid_request"));
    }

    private void failure(RoutingContext ctx) {
        if (ctx.response().ended()) {
            return;
        }
        if (ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            // A body over the limit or unreadable as a form: the request is bad, whatever the detail.
            invalid(ctx, "HTTP " + ctx.statusCode());
        } else if (ctx.response().closed()) {
            LOG.info("Back-channel logout: the sender closed the connection", ctx.failure());
        } else {
            LOG.error("Unexpected failure on a back-channel logout", ctx.failure());
            json(ctx, 500, new JsonObject().put("error", "server_error"));
        }
    }

    private static void json(RoutingContext ctx, int status, JsonObject body) {
        HttpServerResponse response =
                noStore(ctx.response()).setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
        if (status == 503) {
            response.putHeader(HttpHeaders.RETRY_AFTER, "5");
        }
        response.end(body.encode());
    }

    private static HttpServerResponse noStore(HttpServerResponse response) {
        return response.putHeader(HttpHeaders.CACHE_CONTROL, "no-store").putHeader("X-Content-Type-Options", "nosniff");
    }
}
