package io.latchkey.auth.feed;

import io.vertx.core.Future;

/**
 * Decides whether the caller of a feed endpoint may read the revocation list: HTTP Basic of a client allowed
 * {@code revocations:read}. Injected; {@link ConfidentialClientFeedAccess} checks it with the shared client
 * authentication.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
@FunctionalInterface
public interface FeedAccess {
    String SCOPE = "revocations:read";

    enum Decision {
        /** A valid client allowed {@link #SCOPE}. */
        ALLOWED,
        /** No credentials, malformed ones, an unknown or disabled client, or a wrong secret: 401. */
        UNAUTHENTICATED,
        /** A valid client without {@link #SCOPE}: 403. */
        FORBIDDEN
    }

    /** @param authorization the request's {@code Authorization} header, or {@code null} */
    Future<Decision> check(String authorization);
}
