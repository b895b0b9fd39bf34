package io.latchkey.auth.http;

import io.latchkey.auth.feed.FeedAccess;
import io.latchkey.auth.feed.LiveListCursor;
import io.latchkey.auth.feed.RevocationFeed;
import io.latchkey.auth.feed.RevocationFeedRepository;
import io.latchkey.auth.feed.RevocationListAnswer;
import io.latchkey.auth.oauth.OAuthError;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.List;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * {@code GET /revocations?after=<seq>} (a snapshot of the live list) and {@code GET /revocations/stream}
 * (Server-Sent Events from the replica's {@link RevocationFeed}), both for clients allowed
 * {@code revocations:read}. A position ({@code after} or {@code Last-Event-ID}) above the highest seq counts as
 * absent: the database was reset or the client is confused, and the safe answer is the whole live list. Failures
 * are {@link OAuthError}s, rendered by the router's failure handler like every other route's.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</a>
 * @see <a href="https://html.spec.whatwg.org/multipage/server-sent-events.html">Server-sent events</a>
 */
public final class FeedRoutes {
    private static final Pattern SEQ = Pattern.compile("[0-9]{1,19}");
    /** The feed reconnects within about a second; a subscriber retries after that. */
    private static final long RETRY_AFTER_SECONDS = 1;

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

    public void mount(Router router) {
        router.get("/revocations")
                .handler(this::authorize)
                .handler(NoStore::apply)
                .handler(this::list);
        router.get("/revocations/stream").handler(this::authorize).handler(this::stream);
    }

    private void authorize(RoutingContext ctx) {
        access.check(ctx.request().getHeader(HttpHeaders.AUTHORIZATION))
                .onSuccess(decision -> {
                    switch (decision) {
                        case ALLOWED -> ctx.next();
                        case FORBIDDEN -> ctx.fail(OAuthError.clientLacksScope(FeedAccess.SCOPE));
                        default -> ctx.fail(OAuthError.invalidFeedClient());
                    }
                })
                .onFailure(ctx::fail);
    }

    /** Streams the answer page by page; a failure before its first byte goes to the failure handler. */
    private void list(RoutingContext ctx) {
        // compose turns a malformed after, thrown while parsing, into a failed future like a failed read.
        Future.succeededFuture(ctx)
                .compose(c -> {
                    OptionalLong after = position(ctx.queryParam("after"), "after");
                    return RevocationListAnswer.send(
                            ctx.response(), LiveListCursor.open(repository, after.orElse(0), now()));
                })
                .onFailure(ctx::fail);
    }

    private void stream(RoutingContext ctx) {
        String lastEventId = ctx.request().getHeader("Last-Event-ID");
        // An empty id is how the SSE spec resets the position: the same as none.
        OptionalLong after = lastEventId == null || lastEventId.isBlank()
                ? OptionalLong.empty()
                : position(List.of(lastEventId.trim()), "Last-Event-ID");
        if (!feed.healthy()) {
            ctx.fail(unavailable());
            return;
        }
        // A stream that ends before it started (the feed lost its LISTEN meanwhile) fails like the check above, on
        // the request's own event loop: the feed may end it from another listener's.
        Context context = ctx.vertx().getOrCreateContext();
        feed.subscribe(
                ctx.response(),
                () -> LiveListCursor.open(repository, after.orElse(0), now()),
                () -> context.runOnContext(v -> ctx.fail(unavailable())));
    }

    private static OAuthError unavailable() {
        return OAuthError.temporarilyUnavailable(
                "The revocation feed is not available; retry shortly", RETRY_AFTER_SECONDS);
    }

    private static OptionalLong position(List<String> values, String name) {
        if (values.isEmpty()) {
            return OptionalLong.empty();
        }
        if (values.size() > 1) {
            throw OAuthError.invalidRequest(name + " must appear at most once");
        }
        String value = values.get(0);
        if (!SEQ.matcher(value).matches()) {
            throw OAuthError.invalidRequest(name + " must be a non-negative integer");
        }
        try {
            return OptionalLong.of(Long.parseLong(value));
        } catch (NumberFormatException e) {
            throw OAuthError.invalidRequest(name + " must be a non-negative integer");
        }
    }

    private long now() {
        return clock.instant().getEpochSecond();
    }
}
