package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * {@link FeedAccess} on its own: HTTP Basic checked against the {@code clients} table (SHA-256 of the secret
 * compared in constant time, not disabled, {@code revocations:read} among its scopes). An unknown id costs the
 * same hash and comparison as a known one. Hashing a short secret takes microseconds, so it stays on the loop.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-2.3.1">RFC 6749 §2.3.1</a>
 */
public final class ClientSecretFeedAccess implements FeedAccess {
    private static final byte[] NO_HASH = new byte[32];

    private final FeedClientRepository clients;

    public ClientSecretFeedAccess(Pool pool) {
        this(new PgFeedClientRepository(pool));
    }

    ClientSecretFeedAccess(FeedClientRepository clients) {
        this.clients = clients;
    }

    @Override
    public Future<Decision> check(String authorization) {
        Optional<BasicCredentials> credentials = BasicCredentials.parse(authorization);
        if (credentials.isEmpty()) {
            return Future.succeededFuture(Decision.UNAUTHENTICATED);
        }
        BasicCredentials presented = credentials.get();
        return clients.find(presented.clientId()).map(found -> decide(found, presented.secret()));
    }

    private static Decision decide(Optional<FeedClient> found, String secret) {
        byte[] stored = found.map(FeedClient::secretHash).orElse(null);
        boolean secretMatches = MessageDigest.isEqual(sha256(secret), stored == null ? NO_HASH : stored);
        if (stored == null || !secretMatches || found.get().disabled()) {
            return Decision.UNAUTHENTICATED;
        }
        return found.get().mayReadFeed() ? Decision.ALLOWED : Decision.FORBIDDEN;
    }

    private static byte[] sha256(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JVM", e);
        }
    }
}
