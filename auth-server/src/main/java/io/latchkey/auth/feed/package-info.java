/**
 * The revocation feed of auth-server behind {@code GET /revocations} and {@code GET /revocations/stream} (the
 * routes are {@code http.FeedRoutes}): the one LISTEN/NOTIFY follower per replica that broadcasts new entries to
 * every stream in seq order, who may read the feed, and the pruning of expired entries. Entries are written
 * elsewhere (the session terminator's transactions), only through
 * {@link io.latchkey.auth.feed.PgRevocationRepository#append} and so {@code revocation_append} (see V4).
 *
 * <p>Wiring, in the components of the verticle that owns the pool (one feed per verticle instance):
 *
 * <pre>{@code
 * var revocationList = new PgRevocationRepository(pool);
 * feed = new RevocationFeed(vertx, revocationList, config.database().connectOptions(), feedSettings);
 * pruner = new RevocationPruner(vertx, revocationList, Clock.systemUTC(), feedSettings);
 * var access = new ConfidentialClientFeedAccess(clientAuthenticator);   // the token endpoint's authenticator
 * new FeedRoutes(revocationList, feed, access, Clock.systemUTC()).mount(router);
 * return feed.start().compose(v -> server.listen()).onSuccess(v -> pruner.start());
 * // stop(): pruner.stop(); feed.stop() before server.shutdown(...), so open streams do not hold the shutdown.
 * }</pre>
 *
 * <p>Settings, all optional: {@code LATCHKEY_FEED_HEARTBEAT_INTERVAL} (10 s, at most 15 s),
 * {@code LATCHKEY_FEED_CATCH_UP_INTERVAL} (5 s: the safety-net read and LISTEN ping),
 * {@code LATCHKEY_FEED_PRUNE_INTERVAL} (1 min), {@code LATCHKEY_FEED_STREAM_BACKLOG_BYTES} (256 KiB unsent per
 * stream before it is cut off); read with {@link io.latchkey.auth.feed.FeedSettings#from}.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc7009">RFC 7009</a>
 */
package io.latchkey.auth.feed;
