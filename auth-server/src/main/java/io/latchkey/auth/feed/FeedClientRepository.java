package io.latchkey.auth.feed;

import io.vertx.core.Future;
import java.util.Optional;

/** Looks up the client a feed request authenticates as. */
interface FeedClientRepository {
    Future<Optional<FeedClient>> find(String clientId);
}
