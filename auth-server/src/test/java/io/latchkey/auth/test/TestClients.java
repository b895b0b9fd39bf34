package io.latchkey.auth.test;

import io.latchkey.auth.client.ClientSecrets;
import io.latchkey.common.testing.Await;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Builds client rows: {@code TestClients.confidential("svc").grants("client_credentials").insert(pool)}. */
public final class TestClients {
    public static final String SECRET_SUFFIX = "-secret-for-tests-0123456789abcdef";
    private static final String INSERT = """
            INSERT INTO clients (client_id, secret_hash, grant_types, scopes, audience, disabled, redirect_uris,
                                 first_party, client_name, post_logout_redirect_uris, backchannel_logout_uri,
                                 dpop_bound_access_tokens, token_endpoint_ip_allowlist)
            VALUES ($1, $2, $3, $4, to_jsonb($5::text), $6, $7, $8, $9, $10, $11, $12, $13)""";

    private final String clientId;
    private String secret;
    private List<String> grants = List.of("client_credentials");
    private List<String> scopes = List.of("notes:read", "notes:write");
    private String audience = "resource-demo";
    private boolean disabled;
    private List<String> redirectUris = List.of();
    private boolean firstParty;
    private String clientName;
    private List<String> postLogoutRedirectUris = List.of();
    private String backchannelLogoutUri;
    private boolean dpopBound;
    private List<String> ipAllowlist = List.of();

    private TestClients(String clientId, String secret) {
        this.clientId = clientId;
        this.secret = secret;
    }

    public static TestClients confidential(String clientId) {
        return new TestClients(clientId, secretOf(clientId));
    }

    public static TestClients publicClient(String clientId) {
        return new TestClients(clientId, null).grants("password", "refresh_token");
    }

    /** A confidential client allowed {@code revocations:read}: a resource server following the revocation list. */
    public static TestClients revocationReader(String clientId) {
        return confidential(clientId).scopes("revocations:read");
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

    /** A secret of the test's choosing instead of {@link #secretOf}. */
    public TestClients secret(String secret) {
        this.secret = secret;
        return this;
    }

    /** A browser client: the authorization code grant (and refresh) with these redirect URIs. */
    public TestClients browser(String... redirectUris) {
        this.redirectUris = List.of(redirectUris);
        this.grants = List.of("authorization_code", "refresh_token");
        return this;
    }

    public TestClients postLogout(String... uris) {
        this.postLogoutRedirectUris = List.of(uris);
        return this;
    }

    public TestClients backchannel(String uri) {
        this.backchannelLogoutUri = uri;
        return this;
    }

    public TestClients firstParty() {
        this.firstParty = true;
        return this;
    }

    public TestClients name(String clientName) {
        this.clientName = clientName;
        return this;
    }

    /** {@code dpop_bound_access_tokens}: every token request must carry a DPoP proof. */
    public TestClients dpopBound() {
        this.dpopBound = true;
        return this;
    }

    /** {@code token_endpoint_ip_allowlist}: the CIDRs token requests may come from. */
    public TestClients ipAllowlist(String... cidrs) {
        this.ipAllowlist = List.of(cidrs);
        return this;
    }

    public TestClients disabled() {
        this.disabled = true;
        return this;
    }

    public static String secretOf(String clientId) {
        return clientId + SECRET_SUFFIX;
    }

    /**
     * {@code Authorization: Basic} with this client's id and secret (empty for a public client), form-url-encoded
     * first as RFC 6749 §2.3.1 asks.
     */
    public String basic() {
        return TestAuthServer.basic(
                URLEncoder.encode(clientId, StandardCharsets.UTF_8),
                URLEncoder.encode(secret == null ? "" : secret, StandardCharsets.UTF_8));
    }

    /** Inserts the row and waits for it. */
    public TestClients insert(Pool pool) {
        Await.result(pool.preparedQuery(INSERT)
                .execute(Tuple.from(java.util.Arrays.asList(
                        clientId,
                        secret == null ? null : Buffer.buffer(ClientSecrets.sha256(secret)),
                        grants.toArray(String[]::new),
                        scopes.toArray(String[]::new),
                        audience,
                        disabled,
                        redirectUris.toArray(String[]::new),
                        firstParty,
                        clientName,
                        postLogoutRedirectUris.toArray(String[]::new),
                        backchannelLogoutUri,
                        dpopBound,
                        ipAllowlist.toArray(String[]::new)))));
        return this;
    }
}
