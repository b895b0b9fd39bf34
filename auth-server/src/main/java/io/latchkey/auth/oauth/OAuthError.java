package io.latchkey.auth.oauth;

import io.vertx.core.json.JsonObject;

/**
 * An OAuth error that is safe to show: its status, RFC error code and a description written for the client, one
 * factory per code. Anything else that fails a request becomes a generic {@code server_error}. A cause, when
 * there is one, is for the log only and never reaches a client.
 *
 * @see <a href="https://www.rfc-editor.org/rfc/rfc6749#section-5.2">RFC 6749 §5.2</a>
 */
public final class OAuthError extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final String BASIC_CHALLENGE = "Basic realm=\"latchkey\", charset=\"UTF-8\"";

    private final int status;
    private final String code;
    private final String wwwAuthenticate;
    private final Long retryAfterSeconds;
    /** The dependency whose outage this answers, or null: such failures are counted, not logged one by one. */
    private final String dependency;

    private OAuthError(int status, String code, String description, String wwwAuthenticate, Long retryAfter) {
        this(status, code, description, wwwAuthenticate, retryAfter, null);
    }

    private OAuthError(
            int status, String code, String description, String wwwAuthenticate, Long retryAfter, Throwable cause) {
        this(status, code, description, wwwAuthenticate, retryAfter, cause, null);
    }

    private OAuthError(
            int status,
            String code,
            String description,
            String wwwAuthenticate,
            Long retryAfter,
            Throwable cause,
            String dependency) {
        super(description, cause, false, false);
        this.status = status;
        this.code = code;
        this.wwwAuthenticate = wwwAuthenticate;
        this.retryAfterSeconds = retryAfter;
        this.dependency = dependency;
    }

    public static OAuthError invalidRequest(String description) {
        return new OAuthError(400, "invalid_request", description, null, null);
    }

    public static OAuthError bodyTooLarge() {
        return new OAuthError(413, "invalid_request", "The request body is larger than 64 KiB", null, null);
    }

    /** Every client-authentication failure at the OAuth endpoints: one body, the detail only in logs. */
    public static OAuthError invalidClient() {
        return new OAuthError(401, "invalid_client", "Client authentication failed", BASIC_CHALLENGE, null);
    }

    /**
     * The revocation feed's {@code invalid_client}: the same status and challenge as {@link #invalidClient()}, in
     * the lower-case wording the feed has answered with since it shipped.
     */
    public static OAuthError invalidFeedClient() {
        return new OAuthError(401, "invalid_client", "client authentication failed", BASIC_CHALLENGE, null);
    }

    /**
     * 403 for a client authenticated with its own credentials (not a bearer token) that lacks {@code scope}: no
     * challenge, since other credentials of the same client would not help. Worded as the revocation feed has
     * always answered.
     */
    public static OAuthError clientLacksScope(String scope) {
        return new OAuthError(403, "insufficient_scope", "the client is not allowed " + scope, null, null);
    }

    public static OAuthError invalidGrant(String description) {
        return new OAuthError(400, "invalid_grant", description, null, null);
    }

    public static OAuthError throttled(long retryAfterSeconds) {
        return new OAuthError(
                400, "invalid_grant", "Too many failed logins; try again later", null, Math.max(1, retryAfterSeconds));
    }

    public static OAuthError unauthorizedClient(String description) {
        return new OAuthError(400, "unauthorized_client", description, null, null);
    }

    public static OAuthError unsupportedGrantType(String description) {
        return new OAuthError(400, "unsupported_grant_type", description, null, null);
    }

    public static OAuthError invalidScope(String description) {
        return new OAuthError(400, "invalid_scope", description, null, null);
    }

    public static OAuthError temporarilyUnavailable(String description, long retryAfterSeconds) {
        return new OAuthError(503, "temporarily_unavailable", description, null, retryAfterSeconds);
    }

    /**
     * 503 {@code temporarily_unavailable} because {@code dependency} (such as {@code "database"} or {@code
     * "key-service"}) is down: an outage, answered like one, and counted against that dependency rather than logged
     * per request.
     */
    public static OAuthError dependencyDown(String dependency, String description, long retryAfterSeconds) {
        return new OAuthError(503, "temporarily_unavailable", description, null, retryAfterSeconds, null, dependency);
    }

    public static OAuthError serverError() {
        return serverError(null);
    }

    /** A {@code server_error} whose {@code cause} (what went wrong, for the operator) is logged with it. */
    public static OAuthError serverError(Throwable cause) {
        return new OAuthError(500, "server_error", "The server could not handle the request", null, null, cause);
    }

    /** RFC 6750 §3.1: a missing, malformed, expired or revoked bearer token. */
    public static OAuthError invalidToken(String description) {
        return new OAuthError(
                401,
                "invalid_token",
                description,
                "Bearer realm=\"latchkey\", error=\"invalid_token\", error_description=\"" + description + "\"",
                null);
    }

    /** RFC 6750 §3.1: no bearer token at all; the challenge carries no error code. */
    public static OAuthError missingToken() {
        return new OAuthError(401, "invalid_token", "A bearer token is required", "Bearer realm=\"latchkey\"", null);
    }

    /** RFC 6750 §3.1: the token lacks a scope or audience the resource needs. */
    public static OAuthError insufficientScope(String scope) {
        return new OAuthError(
                403,
                "insufficient_scope",
                "The token lacks the " + scope + " scope or the right audience",
                "Bearer realm=\"latchkey\", error=\"insufficient_scope\", scope=\"" + scope + "\"",
                null);
    }

    /** RFC 9449 §5: a DPoP proof at the token endpoint that is missing where required, malformed or invalid. */
    public static OAuthError invalidDpopProof(String description) {
        return new OAuthError(400, "invalid_dpop_proof", description, null, null);
    }

    /** RFC 9449 §8: the token endpoint requires a fresh server nonce in the proof (sent in {@code DPoP-Nonce}). */
    public static OAuthError useDpopNonce() {
        return new OAuthError(400, "use_dpop_nonce", "Authorization server requires nonce in DPoP proof", null, null);
    }

    /**
     * RFC 9449 §7.1 at an endpoint that takes an access token: a missing, invalid or wrongly presented DPoP-bound
     * token ({@code invalid_token}) or proof ({@code invalid_dpop_proof}), with a {@code DPoP} challenge naming
     * the proof algorithms accepted.
     */
    public static OAuthError dpopChallenge(String code, String description, String algs) {
        return new OAuthError(
                401,
                code,
                description,
                "DPoP algs=\"" + algs + "\", error=\"" + code + "\", error_description=\"" + description + "\"",
                null);
    }

    public static OAuthError notFound(String description) {
        return new OAuthError(404, "not_found", description, null, null);
    }

    /** A 4xx decided by the router itself (no such path, wrong method). */
    public static OAuthError routing(int status) {
        return switch (status) {
            case 404 -> new OAuthError(404, "not_found", "No such endpoint", null, null);
            case 405 -> new OAuthError(405, "invalid_request", "The method is not allowed here", null, null);
            default -> new OAuthError(status, "invalid_request", "The request is not valid", null, null);
        };
    }

    public static OAuthError conflict(String description) {
        return new OAuthError(409, "conflict", description, null, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String description() {
        return getMessage();
    }

    public String wwwAuthenticate() {
        return wwwAuthenticate;
    }

    public Long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The dependency whose outage this error answers, or null. */
    public String dependency() {
        return dependency;
    }

    public JsonObject body() {
        return new JsonObject().put("error", code).put("error_description", getMessage());
    }
}
