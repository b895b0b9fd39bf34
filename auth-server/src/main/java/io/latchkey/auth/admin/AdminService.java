package io.latchkey.auth.admin;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientIds;
import io.latchkey.auth.client.ClientMetadata;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.client.ClientSecrets;
import io.latchkey.auth.oauth.OAuthError;
import io.latchkey.auth.password.PasswordHasher;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.auth.session.SessionsEnded;
import io.latchkey.auth.user.User;
import io.latchkey.auth.user.UserProfile;
import io.latchkey.auth.user.UserRepository;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.util.UUID;
import java.util.function.Function;

/**
 * The admin operations on users and clients. Every change that must kill tokens (user disable, password change,
 * client disable, secret rotation) ends the sessions and writes the revocation entries in the same transaction
 * through {@link SessionTerminator}, and writes an audit row there too.
 */
public final class AdminService {
    private final Pool pool;
    private final UserRepository users;
    private final ClientRepository clients;
    private final PasswordHasher hasher;
    private final SessionTerminator terminator;
    private final AuditRepository audit;
    private final AdminDirectory directory;

    public AdminService(
            Pool pool,
            UserRepository users,
            ClientRepository clients,
            PasswordHasher hasher,
            SessionTerminator terminator,
            AuditRepository audit,
            AdminDirectory directory) {
        this.directory = directory;
        this.pool = pool;
        this.users = users;
        this.clients = clients;
        this.hasher = hasher;
        this.terminator = terminator;
        this.audit = audit;
    }

    public Future<JsonObject> createUser(String actor, JsonObject body) {
        NewUser spec;
        try {
            spec = NewUser.from(body);
        } catch (OAuthError e) {
            return Future.failedFuture(e);
        }
        return hasher.hash(spec.password().toCharArray())
                .compose(hash -> users.create(spec.profile(), hash))
                .recover(e -> e instanceof UserRepository.DuplicateUserException
                        ? Future.failedFuture(OAuthError.conflict("The username is taken"))
                        : Future.failedFuture(e))
                .compose(user -> audit.record(pool, AuditEvent.adminUserCreated(actor, user.id()))
                        .map(v -> created(user, spec.profile())));
    }

    /**
     * The user as created: {@code id}, {@code username}, {@code name} when given, and {@code email} with
     * {@code email_verified} when an address was given.
     */
    private static JsonObject created(User user, UserProfile profile) {
        JsonObject out = new JsonObject().put("id", user.id().toString()).put("username", user.username());
        profile.name().ifPresent(name -> out.put("name", name));
        profile.email().ifPresent(email -> out.put("email", email).put("email_verified", profile.emailVerified()));
        return out;
    }

    public Future<Void> disableUser(String actor, String rawId) {
        UUID id = userId(rawId);
        if (id == null) {
            return Future.failedFuture(noUser());
        }
        return Transactions.run(pool, sql -> users.disable(sql, id)
                .compose(found -> endUserSessions(
                        sql,
                        found,
                        id,
                        "user_disabled",
                        ended -> AuditEvent.adminUserDisabled(actor, id, ended.count(), job(ended)))));
    }

    public Future<Void> changePassword(String actor, String rawId, JsonObject body) {
        UUID id = userId(rawId);
        if (id == null) {
            return Future.failedFuture(noUser());
        }
        String password;
        try {
            password = NewUser.password(body);
        } catch (OAuthError e) {
            return Future.failedFuture(e);
        }
        return hasher.hash(password.toCharArray())
                .compose(hash -> Transactions.run(pool, sql -> users.updatePasswordHash(sql, id, hash)
                        .compose(found -> endUserSessions(
                                sql,
                                found,
                                id,
                                "password_changed",
                                ended -> AuditEvent.adminPasswordChanged(actor, id, ended.count(), job(ended))))));
    }

    /**
     * After a change to a user row ({@code found} says whether it existed): ends every session of the user, listing
     * each sid and a sub entry, and records the admin action ({@code event} of how many sessions ended), all in
     * the caller's transaction.
     */
    private Future<Void> endUserSessions(
            SqlConnection sql, boolean found, UUID id, String reason, Function<SessionsEnded, AuditEvent> event) {
        if (!found) {
            return Future.failedFuture(noUser());
        }
        return terminator.endUser(sql, id, reason).compose(ended -> audit.record(sql, event.apply(ended)));
    }

    /** The logout job a mass logout recorded, for its audit row; null when the request ended every session. */
    private static UUID job(SessionsEnded ended) {
        return ended.logoutJob().orElse(null);
    }

    public Future<JsonObject> createClient(String actor, JsonObject body) {
        NewClient spec;
        try {
            spec = NewClient.from(body);
        } catch (OAuthError e) {
            return Future.failedFuture(e);
        }
        String secret = spec.isPublic() ? null : spec.suppliedSecret().orElseGet(ClientSecrets::generate);
        Client client = new Client(
                spec.clientId(),
                secret == null ? null : ClientSecrets.sha256(secret),
                spec.grantTypes(),
                spec.scopes(),
                spec.audience(),
                false,
                0,
                spec.metadata());
        return Transactions.run(pool, sql -> clients.create(sql, client)
                        .compose(v -> audit.record(sql, AuditEvent.adminClientCreated(actor, spec.clientId()))))
                .recover(e -> e instanceof ClientRepository.DuplicateClientException
                        ? Future.failedFuture(OAuthError.conflict("The client_id is taken"))
                        : Future.failedFuture(e))
                .map(v -> registration(client, spec.suppliedSecret().isEmpty() ? secret : null));
    }

    /**
     * The client as registered, in RFC 7591 §3.2.1 names: every field with its stored value (defaults included),
     * {@code backchannel_logout_uri} and {@code client_name} only when set, and {@code client_secret} only when
     * {@code generatedSecret} is not null: a secret is shown once, and never one the caller supplied.
     */
    static JsonObject registration(Client client, String generatedSecret) {
        ClientMetadata metadata = client.metadata();
        JsonObject out = new JsonObject().put("client_id", client.clientId());
        if (generatedSecret != null) {
            out.put("client_secret", generatedSecret);
        }
        out.put("token_endpoint_auth_method", client.isPublic() ? "none" : "client_secret_basic")
                .put("grant_types", new JsonArray(client.grantTypes()))
                .put("scopes", new JsonArray(client.scopes()))
                .put("audience", client.audience());
        metadata.clientName().ifPresent(name -> out.put("client_name", name));
        out.put("redirect_uris", new JsonArray(metadata.redirectUris()))
                .put("post_logout_redirect_uris", new JsonArray(metadata.postLogoutRedirectUris()));
        metadata.backchannelLogoutUri().ifPresent(uri -> out.put("backchannel_logout_uri", uri));
        return out.put("allowed_cors_origins", new JsonArray(metadata.allowedCorsOrigins()))
                .put("first_party", metadata.firstParty())
                .put("access_token_signing_alg", metadata.accessTokenSigningAlg())
                .put("dpop_bound_access_tokens", metadata.dpopBoundAccessTokens())
                .put("token_endpoint_ip_allowlist", new JsonArray(metadata.tokenEndpointIpAllowlist()));
    }

    public Future<Void> disableClient(String actor, String clientId) {
        if (!ClientIds.wellFormed(clientId)) {
            return Future.failedFuture(OAuthError.notFound("No client with this client_id"));
        }
        return Transactions.run(pool, sql -> clients.disable(sql, clientId).compose(found -> {
            if (!found) {
                return Future.failedFuture(OAuthError.notFound("No client with this client_id"));
            }
            return terminator
                    .endClient(sql, clientId, "client_disabled")
                    .compose(ended -> audit.record(
                            sql, AuditEvent.adminClientDisabled(actor, clientId, ended.count(), job(ended))));
        }));
    }

    public Future<JsonObject> rotateSecret(String actor, String clientId) {
        if (!ClientIds.wellFormed(clientId)) {
            return Future.failedFuture(OAuthError.notFound("No confidential client with this client_id"));
        }
        String secret = ClientSecrets.generate();
        return Transactions.run(pool, sql -> clients.replaceSecret(sql, clientId, ClientSecrets.sha256(secret))
                        .compose(found -> {
                            if (!found) {
                                return Future.failedFuture(
                                        OAuthError.notFound("No confidential client with this client_id"));
                            }
                            return terminator
                                    .endClient(sql, clientId, "secret_rotated")
                                    .compose(ended -> audit.record(
                                            sql,
                                            AuditEvent.adminClientSecretRotated(
                                                    actor, clientId, ended.count(), job(ended))));
                        }))
                .map(v -> new JsonObject().put("client_id", clientId).put("client_secret", secret));
    }

    /**
     * Ends one open session as a logout does: its {@code sid} on the revocation feed, its back-channel logouts
     * queued, an audit row, all in one transaction. 404 when no open session has this sid.
     */
    public Future<Void> endSession(String actor, String rawSid) {
        UUID sid = PathIds.session(rawSid);
        return Transactions.run(pool, sql -> terminator
                .endIfOpen(sql, sid, "admin_ended")
                .compose(user -> user.isEmpty()
                        ? Future.<Void>failedFuture(PathIds.noSession())
                        : audit.record(sql, AuditEvent.adminSessionEnded(actor, user.get(), sid))));
    }

    /**
     * Replaces a client's registration metadata, validated exactly as a registration is. The secret is not part of
     * it ({@code POST /admin/clients/{id}/secret} rotates it), nor is whether the client is public: an absent
     * {@code token_endpoint_auth_method} keeps the stored kind, and a different kind is refused. Sessions and tokens
     * already issued are left as they are.
     */
    public Future<JsonObject> updateClient(String actor, String rawId, JsonObject body) {
        String clientId = PathIds.client(rawId);
        if (body.containsKey("client_secret")) {
            return Future.failedFuture(OAuthError.invalidRequest(
                    "client_secret cannot be set here; rotate it with POST /admin/clients/{id}/secret"));
        }
        Object givenId = body.getValue("client_id");
        if (givenId != null && !clientId.equals(givenId)) {
            return Future.failedFuture(OAuthError.invalidRequest("client_id must be the client's own id or absent"));
        }
        return Transactions.run(
                        pool, sql -> directory.lockClientIsPublic(sql, clientId).compose(found -> {
                            if (found.isEmpty()) {
                                return Future.failedFuture(PathIds.noClient());
                            }
                            boolean isPublic = found.get();
                            JsonObject registration = body.copy().put("client_id", clientId);
                            Object method = registration.getValue("token_endpoint_auth_method");
                            if (method == null) {
                                registration.put(
                                        "token_endpoint_auth_method", isPublic ? "none" : "client_secret_basic");
                            } else if ("none".equals(method) != isPublic) {
                                return Future.failedFuture(OAuthError.invalidRequest(
                                        "token_endpoint_auth_method cannot change between none and a secret method"));
                            }
                            NewClient spec = NewClient.from(registration);
                            return directory
                                    .updateClient(sql, spec)
                                    .compose(v -> audit.record(sql, AuditEvent.adminClientUpdated(actor, clientId)));
                        }))
                .compose(v -> clients.find(clientId))
                .map(found -> AdminReads.clientJson(found.orElseThrow(PathIds::noClient)));
    }

    private static UUID userId(String raw) {
        try {
            return raw != null && raw.length() == 36 ? UUID.fromString(raw) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static OAuthError noUser() {
        return OAuthError.notFound("No user with this id");
    }
}
