package io.latchkey.auth.http;

import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.common.health.Dependencies;
import io.latchkey.common.health.Dependency;
import io.latchkey.db.DatabaseUnavailable;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that renders failures, for every route. An {@link OAuthError} becomes its RFC 6749 §5.2 body;
 * a status code set by Vert.x itself (such as 405) becomes {@code invalid_request}; a database outage (see
 * {@link DatabaseUnavailable}) becomes 503 {@code temporarily_unavailable} with {@code Retry-After}; anything else
 * becomes a generic {@code server_error} with no detail. A 503 that answers a dependency's outage is counted
 * against that {@link Dependency} (which logs its changes of state and a periodic count), not logged per request.
 * Every other answer of 500 or above is logged here once, at ERROR, with its throwable; a 4xx is not logged here
 * (its handler wrote any line it needs), a client that went away and a failure after the response started are one
 * line without a stack trace.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
public final class OAuthErrors {
    /** The name of auth-server's database {@link Dependency}. */
    public static final String DATABASE = "database";

    private static final String DEPENDENCIES = "latchkey.dependencies";
    private static final Logger LOG = LoggerFactory.getLogger(OAuthErrors.class);

    private OAuthErrors() {}

    public static void render(RoutingContext ctx) {
        render(ctx, dependenciesOf(ctx));
    }

    /** Makes {@code dependencies} known to every request of {@code router}, so failures can count against them. */
    public static void attach(Router router, Dependencies dependencies) {
        router.route().handler(ctx -> {
            ctx.put(DEPENDENCIES, dependencies);
            ctx.next();
        });
    }

    /** The dependencies {@link #attach} gave this request, or none. */
    public static Dependencies dependenciesOf(RoutingContext ctx) {
        Dependencies dependencies = ctx.get(DEPENDENCIES);
        return dependencies == null ? Dependencies.none() : dependencies;
    }

    /** A database outage as its answer; any other failure as it is. */
    public static Throwable outageOr(Throwable failure) {
        if (!(failure instanceof OAuthError) && DatabaseUnavailable.is(failure)) {
            return OAuthError.dependencyDown(
                    DATABASE,
                    "The service is temporarily unavailable; try again later",
                    DatabaseUnavailable.RETRY_AFTER_SECONDS);
        }
        return failure;
    }

    /**
     * Counts {@code error} against its dependency; true when it was counted (and so needs no log line of its own),
     * false when it is no dependency's outage or the dependency is not tracked here.
     */
    public static boolean countOutage(OAuthError error, Throwable failure, Dependencies dependencies) {
        if (error.dependency() == null) {
            return false;
        }
        String reason = failure == null || failure == error
                ? error.code()
                : failure.getClass().getSimpleName();
        return dependencies
                .find(error.dependency())
                .map(d -> {
                    d.requestFailed(reason);
                    return true;
                })
                .orElse(false);
    }

    private static void render(RoutingContext ctx, Dependencies dependencies) {
        HttpServerResponse response = ctx.response();
        Throwable failure = ctx.failure();
        String request = ctx.request().method() + " " + ctx.request().path();
        if (response.headWritten()) {
            LOG.warn("failure after the response started on {}: {}", request, describe(failure));
            response.reset();
            return;
        }
        OAuthError error = toOAuthError(ctx);
        boolean clientGone = response.closed();
        boolean outage = countOutage(error, failure, dependencies);
        // A connection the client closed fails whatever was writing to it: expected, one line below.
        if (!outage && error.status() >= 500 && !(clientGone && failure instanceof HttpClosedException)) {
            logServerSide(request, error, failure);
        }
        if (clientGone) {
            LOG.info("client went away before its answer on {}: {}", request, describe(failure));
            return;
        }
        write(response, error);
    }

    /** The 405 handler of {@code router}: the error body, and the {@code Allow} header RFC 9110 requires. */
    public static Handler<RoutingContext> methodNotAllowed(Router router) {
        return ctx -> {
            String allow = AllowedMethods.of(router, ctx);
            if (allow != null) {
                ctx.response().putHeader("Allow", allow);
            }
            render(ctx);
        };
    }

    private static void write(HttpServerResponse response, OAuthError error) {
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json;charset=UTF-8")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache");
        if (error.wwwAuthenticate() != null) {
            response.putHeader("WWW-Authenticate", error.wwwAuthenticate());
        }
        if (error.retryAfterSeconds() != null) {
            response.putHeader("Retry-After", Long.toString(error.retryAfterSeconds()));
        }
        response.end(error.body().encode());
    }

    private static OAuthError toOAuthError(RoutingContext ctx) {
        Throwable failure = outageOr(ctx.failure());
        if (failure instanceof OAuthError e) {
            return e;
        }
        if (failure == null) {
            int status = ctx.statusCode();
            if (status == 413) {
                return OAuthError.bodyTooLarge();
            }
            if (status >= 400 && status < 500) {
                return OAuthError.routing(status);
            }
        }
        return OAuthError.serverError();
    }

    /**
     * A 5xx with a cause (an exception, or an {@link OAuthError} that wraps one) is unexpected: logged once at ERROR
     * with its stack trace. A deliberate 503 without one (the revocation rate limit, a full password queue) is an
     * answer the server chose, not a failure: one WARN line.
     */
    private static void logServerSide(String request, OAuthError error, Throwable failure) {
        if (failure instanceof OAuthError deliberate && deliberate.getCause() == null && error.status() == 503) {
            LOG.warn("{} answered {} {}", request, error.status(), error.code());
        } else {
            LOG.error("{} answered {} {}", request, error.status(), error.code(), failure == null ? error : failure);
        }
    }

    private static String describe(Throwable t) {
        return t == null ? "none" : t.getClass().getSimpleName();
    }
}
