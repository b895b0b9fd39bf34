package io.latchkey.auth.feed;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Builds clients in the {@code clients} table for feed tests: {@code TestFeedClients.reader("rs").insert(pool)}. */
final class TestFeedClients {
    private static final String INSERT = """
            INSERT INTO clients (client_id, secret_hash, grant_types, scopes, audience, disabled)
            VALUES ($1, $2, $3, $4, 'resource-demo', $5)""";

    private final String clientId;
    private String secret;
    private String[] scopes = {FeedAccess.SCOPE};
    private boolean disabled;

    private TestFeedClients(String clientId) {
        this.clientId = clientId;
        this.secret = clientId + "-secret-of-at-least-thirty-two-characters";
    }

    /** A confidential client allowed {@code revocations:read}. */
    static TestFeedClients reader(String clientId) {
        return new TestFeedClients(clientId);
    }

    TestFeedClients secret(String value) {
        secret = value;
        return this;
    }

    TestFeedClients scopes(String... values) {
        scopes = values;
        return this;
    }

    TestFeedClients publicClient() {
        secret = null;
        return this;
    }

    TestFeedClients disabled() {
        disabled = true;
        return this;
    }

    Future<TestFeedClients> insert(Pool pool) {
        Buffer hash = secret == null ? null : Buffer.buffer(sha256(secret));
        String[] grants = secret == null ? new String[] {"password"} : new String[] {"client_credentials"};
        return pool.preparedQuery(INSERT)
                .execute(Tuple.of(clientId, hash, grants, scopes, disabled))
                .map(rows -> this);
    }

    /** {@code Authorization: Basic ...} with id and secret form-url-encoded first (RFC 6749 §2.3.1). */
    String basic() {
        return basic(clientId, secret == null ? "" : secret);
    }

    static String basic(String id, String secret) {
        String pair =
                URLEncoder.encode(id, StandardCharsets.UTF_8) + ":" + URLEncoder.encode(secret, StandardCharsets.UTF_8);
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
