package io.latchkey.auth.feed;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /revocations?after=<seq>} (a snapshot of the live list) and {@code GET /revocations/stream}
 * (Server-Sent Events from the replica's {@link RevocationFeed}), both for clients allowed
 * {@code revocations:read}. A position ({@code after} or {@code Last-Event-ID}) above the highest seq counts as
 * absent: the database was reset or the client is confused, and the safe answer is the whole live list.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</a>
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html">Server-sent events</a>
 */
public final class FeedRoutes {
    private static final Logger LOG = LoggerFactory.getLogger(FeedRoutes.class);
    private static final Pattern SEQ = Pattern.compile("[0-9]{1,19}");
    private static final String WWW_AUTHENTICATE = "Basic realm=\"latchkey\", charset=\"UTF-8\"";

    private final RevocationFeedRepository repository;
    private final RevocationFeed feed;
    private final FeedAccess access;
    private final Clock clock;

    public FeedRoutes(RevocationFeedRepository repository, RevocationFeed feed, FeedAccess access, Clock clock) {
        this.repository = repository;
        this.feed = feed;
        this.access = access;
        this.clock = clock;
    }

    /** Adds both routes, each with its own failure handler, to {@code router}. */
    public void mount(Router router) {
        router.get("/revocations")
                .handler(this::authorize)
                .handler(this::list)
                .failureHandler(FeedRoutes::renderFailure);
        router.get("/revocations/stream")
                .handler(this::authorize)
                .handler(this::stream)
                .failureHandler(FeedRoutes::renderFailure);
    }

    private void authorize(RoutingContext ctx) {
        access.check(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
                .onSuccess(decision -> {
                    switch (decision) {
                        case ALLOWED -> ctx.next();
                        case FORBIDDEN -> ctx.fail(FeedError.insufficientScope());
                        default -> ctx.fail(FeedError.invalidClient());
                    }
                })
                .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        OptionalLong after = position(ctx.queryParam("after"), "after");
        repository
                .list(after.orElse(0), now())
                .onSuccess(page -> ctx.response()
                        .putHeader("Content-Type", "application/json")
                        .putHeader("Cache-Control", "no-store")
                        .putHeader("Pragma", "no-cache")
                        .end(page.toJson().encode()))
                .onFailure(ctx::fail);
    }

    private void stream(RoutingContext ctx) {
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        // An empty id is how the SSE spec resets the position: the same as none.
        OptionalLong after = lastEventId == null || lastEventId.isBlank()
                ? OptionalLong.empty()
                : position(List.of(lastEventId.trim()), "Last-Event-ID");
        if (!feed.healthy()) {
            ctx.fail(FeedError.unavailable());
            return;
        }
        feed.subscribe(ctx.response(), repository.list(after.orElse(0), now()));
    }

    private static OptionalLong position(List<String> values, String name) {
        if (values.isEmpty()) {
            return OptionalLong.empty();
        }
        if (values.size() > 1) {
            throw FeedError.invalidRequest(name + " must appear at most once");
        }
        String value = values.get(0);
        if (!SEQ.matcher(value).matches()) {
            throw FeedError.invalidRequest(name + " must be a non-negative integer");
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw FeedError.invalidRequest(name + " must be a non-negative integer");
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }

    private static void renderFailure(RoutingContext ctx) {
        HttpServerResponse response = ctx.response();
        FeedError error;
        if (ctx.failure() instanceof FeedError feedError) {
            error = feedError;
        } else if (ctx.failure() == null && ctx.statusCode() >= 400 && ctx.statusCode() < 500) {
            error = FeedError.invalidRequest("the request is malformed");
        } else {
            LOG.error("revocation feed request failed", ctx.failure());
            error = FeedError.serverError();
        }
        if (response.headWritten()) {
            response.reset();
            return;
        }
        response.setStatusCode(error.status())
                .putHeader("Content-Type", "application/json")
                .putHeader("Cache-Control", "no-store")
                .putHeader("Pragma", "no-cache");
        if (error.status() == 401) {
            response.putHeader("WWW-Authenticate", WWW_AUTHENTICATE);
        }
        if (error.status() == 503) {
            response.putHeader("Retry-After", "1");
        }
        response.end(error.toJson().encode());
    }
}
