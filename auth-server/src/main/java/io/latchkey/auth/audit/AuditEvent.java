package io.latchkey.auth.audit;

import io.vertx.core.json.JsonObject;
import java.util.UUID;

/**
 * One audit row: what happened, which client acted (for admin actions the admin's client), for which user and
 * session, from which IP, and a detail object. Never a secret, token or password. Built through a factory per
 * event kind, so every row of a kind has the same shape.
 */
public record AuditEvent(String event, String clientId, UUID userId, UUID sessionId, String ip, JsonObject detail) {

    public AuditEvent {
        detail = detail == null ? new JsonObject() : detail;
    }

    public static AuditEvent login(String clientId, UUID userId, UUID sessionId, String ip) {
        return new AuditEvent("login", clientId, userId, sessionId, ip, null);
    }

    /** A sign-in on the hosted login page; {@code renewed} when it refreshed the browser's open session. */
    public static AuditEvent browserLogin(String clientId, UUID userId, UUID sessionId, String ip, boolean renewed) {
        return new AuditEvent(
                "browser_login", clientId, userId, sessionId, ip, new JsonObject().put("renewed", renewed));
    }

    public static AuditEvent consentGranted(String clientId, UUID userId, UUID sessionId, String ip, String scope) {
        return new AuditEvent("consent_granted", clientId, userId, sessionId, ip, new JsonObject().put("scope", scope));
    }

    public static AuditEvent codeReplay(String clientId, UUID userId, UUID sessionId, String ip) {
        return new AuditEvent("code_replay", clientId, userId, sessionId, ip, null);
    }

    /** {@code userId} is null for an unknown username; {@code reason} says which failure it was. */
    public static AuditEvent loginFailed(String clientId, UUID userId, String ip, String reason) {
        return new AuditEvent("login_failed", clientId, userId, null, ip, new JsonObject().put("reason", reason));
    }

    /** A confidential client's token request from an address outside its {@code token_endpoint_ip_allowlist}. */
    public static AuditEvent tokenIpRefused(String clientId, String ip) {
        return new AuditEvent("token_ip_refused", clientId, null, null, ip, null);
    }

    public static AuditEvent refreshReuse(String clientId, UUID userId, UUID sessionId, String ip) {
        return new AuditEvent("refresh_reuse", clientId, userId, sessionId, ip, null);
    }

    public static AuditEvent logout(String clientId, UUID userId, UUID sessionId, String ip) {
        return new AuditEvent("logout", clientId, userId, sessionId, ip, null);
    }

    /** {@code logoutJob}: the job ending the sessions beyond the {@code sessionsEnded} ended here, or null. */
    public static AuditEvent logoutEverywhere(
            String clientId, UUID userId, UUID sessionId, String ip, int sessionsEnded, UUID logoutJob) {
        return new AuditEvent(
                "logout_everywhere", clientId, userId, sessionId, ip, sessionsEnded(sessionsEnded, logoutJob));
    }

    public static AuditEvent accessTokenRevoked(String clientId, UUID userId, UUID sessionId, String ip, String jti) {
        return new AuditEvent(
                "token_revoked",
                clientId,
                userId,
                sessionId,
                ip,
                new JsonObject().put("token_type", "access_token").put("jti", jti));
    }

    public static AuditEvent refreshTokenRevoked(String clientId, UUID userId, UUID sessionId, String ip) {
        return new AuditEvent(
                "token_revoked", clientId, userId, sessionId, ip, new JsonObject().put("token_type", "refresh_token"));
    }

    public static AuditEvent adminUserCreated(String actor, UUID userId) {
        return new AuditEvent("admin_user_created", actor, userId, null, null, null);
    }

    public static AuditEvent adminUserDisabled(String actor, UUID userId, int sessionsEnded, UUID logoutJob) {
        return new AuditEvent(
                "admin_user_disabled", actor, userId, null, null, sessionsEnded(sessionsEnded, logoutJob));
    }

    public static AuditEvent adminPasswordChanged(String actor, UUID userId, int sessionsEnded, UUID logoutJob) {
        return new AuditEvent(
                "admin_password_changed", actor, userId, null, null, sessionsEnded(sessionsEnded, logoutJob));
    }

    public static AuditEvent adminClientCreated(String actor, String targetClientId) {
        return new AuditEvent(
                "admin_client_created",
                actor,
                null,
                null,
                null,
                new JsonObject().put("target_client_id", targetClientId));
    }

    public static AuditEvent adminClientDisabled(
            String actor, String targetClientId, int sessionsEnded, UUID logoutJob) {
        return new AuditEvent(
                "admin_client_disabled",
                actor,
                null,
                null,
                null,
                targetClient(targetClientId).mergeIn(sessionsEnded(sessionsEnded, logoutJob)));
    }

    public static AuditEvent adminClientSecretRotated(
            String actor, String targetClientId, int sessionsEnded, UUID logoutJob) {
        return new AuditEvent(
                "admin_client_secret_rotated",
                actor,
                null,
                null,
                null,
                targetClient(targetClientId).mergeIn(sessionsEnded(sessionsEnded, logoutJob)));
    }

    /**
     * A logout job finished: {@code sessionsEnded} is the whole mass logout's count, the first batch its request
     * ended included. No acting client: the job ran in the background. {@code userId} for a user's job,
     * {@code targetClientId} for a client's (the other null).
     */
    public static AuditEvent logoutJobFinished(
            UUID logoutJob, UUID userId, String targetClientId, String reason, long sessionsEnded) {
        JsonObject detail = new JsonObject()
                .put("logout_job_id", logoutJob.toString())
                .put("reason", reason)
                .put("sessions_ended", sessionsEnded);
        if (targetClientId != null) {
            detail.put("target_client_id", targetClientId);
        }
        return new AuditEvent("logout_job_finished", null, userId, null, null, detail);
    }

    public static AuditEvent adminSessionEnded(String actor, UUID userId, UUID sessionId) {
        return new AuditEvent("admin_session_ended", actor, userId, sessionId, null, null);
    }

    public static AuditEvent adminClientUpdated(String actor, String targetClientId) {
        return new AuditEvent(
                "admin_client_updated",
                actor,
                null,
                null,
                null,
                new JsonObject().put("target_client_id", targetClientId));
    }

    public static AuditEvent adminKeyRotated(String actor, String kid, String alg) {
        return new AuditEvent(
                "admin_key_rotated",
                actor,
                null,
                null,
                null,
                new JsonObject().put("kid", kid).put("alg", alg));
    }

    /** {@code successorKid} is the key that took over signing, null when the revoked key was not signing. */
    public static AuditEvent adminKeyRevoked(String actor, String kid, String successorKid) {
        JsonObject detail = new JsonObject().put("kid", kid);
        if (successorKid != null) {
            detail.put("successor_kid", successorKid);
        }
        return new AuditEvent("admin_key_revoked", actor, null, null, null, detail);
    }

    /**
     * {@code sessions_ended} counts the sessions the request itself ended (one batch at most); when more remained,
     * {@code logout_job_id} names the job that ends them, whose final count its {@code logout_job_finished} row and
     * {@code GET /admin/logout-jobs/{id}} give.
     */
    private static JsonObject sessionsEnded(int count, UUID logoutJob) {
        JsonObject detail = new JsonObject().put("sessions_ended", count);
        if (logoutJob != null) {
            detail.put("logout_job_id", logoutJob.toString());
        }
        return detail;
    }

    private static JsonObject targetClient(String clientId) {
        return new JsonObject().put("target_client_id", clientId);
    }
}
