package io.latchkey.auth.feed;

/**
 * What the feed needs to know of a client to let it read the list.
 *
 * @param secretHash SHA-256 of the secret, or {@code null} for a public client
 * @param mayReadFeed whether its scopes include {@code revocations:read}
 */
record FeedClient(byte[] secretHash, boolean disabled, boolean mayReadFeed) {}
