package io.latchkey.auth.admin;

/**
 * Everything the admin API routes call: the changes to users, clients and sessions ({@link AdminService}), the
 * paginated reads ({@link AdminReads}), the key operations relayed to key-service ({@link KeyAdministration}) and
 * the progress of mass logouts ({@link LogoutJobReads}).
 */
public record AdminOperations(
        AdminService changes, AdminReads reads, KeyAdministration keys, LogoutJobReads logoutJobs) {}
