package io.latchkey.auth.test;

import io.latchkey.auth.client.ClientSecrets;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Builds client rows: {@code TestClients.confidential("svc").grants("client_credentials").insert(pool)}. */
public final class TestClients {
    public static final String SECRET_SUFFIX = "-secret-for-tests-0123456789abcdef";

    private final String clientId;
    private final String secret;
    private List<String> grants = List.of("client_credentials");
    private List<String> scopes = List.of("notes:read", "notes:write");
    private String audience = "resource-demo";

    private TestClients(String clientId, String secret) {
        this.clientId = clientId;
        this.secret = secret;
    }

    public static TestClients confidential(String clientId) {
        return new TestClients(clientId, clientId + SECRET_SUFFIX);
    }

    public static TestClients publicClient(String clientId) {
        return new TestClients(clientId, null).grants("password", "refresh_token");
    }

    public TestClients grants(String... grants) {
        this.grants = List.of(grants);
        return this;
    }

    public TestClients scopes(String... scopes) {
        this.scopes = List.of(scopes);
        return this;
    }

    public TestClients audience(String audience) {
        this.audience = audience;
        return this;
    }

    public static String secretOf(String clientId) {
        return clientId + SECRET_SUFFIX;
    }

    /** Inserts the row and waits for it. */
    public void insert(Pool pool) {
        Await.result(pool.preparedQuery(
                        "INSERT INTO clients (client_id, secret_hash, grant_types, scopes, audience) VALUES ($1,$2,$3,$4,$5)")
                .execute(Tuple.of(
                        clientId,
                        secret == null ? null : Buffer.buffer(ClientSecrets.sha256(secret)),
                        grants.toArray(String[]::new),
                        scopes.toArray(String[]::new),
                        audience)));
    }
}
