package io.latchkey.auth.oidc;

import io.latchkey.auth.audit.AuditEvent;
import io.latchkey.auth.audit.AuditRepository;
import io.latchkey.auth.authorize.AuthorizeError;
import io.latchkey.auth.browser.BrowserSession;
import io.latchkey.auth.browser.BrowserSessionRepository;
import io.latchkey.auth.client.Client;
import io.latchkey.auth.client.ClientRepository;
import io.latchkey.auth.jwt.AccessTokenVerifier;
import io.latchkey.auth.oauth.OpaqueTokens;
import io.latchkey.auth.session.SessionTerminator;
import io.latchkey.db.Transactions;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RP-Initiated Logout: with a valid {@code id_token_hint} the session it names ends at once; without one the user
 * is asked to confirm, so a link on another site cannot sign anyone out silently, and the confirmation form
 * carries a token derived from the browser's session cookie. A {@code post_logout_redirect_uri} must be one the
 * client (named by the hint's {@code aud} or {@code client_id}) registered, compared exactly; otherwise an error
 * page, and nothing ends. Then 303 to that URI with {@code state}, or a signed-out page. Ending goes through
 * {@link SessionTerminator}: one {@code sid} entry revokes every token the session issued.
 *
 * @see <a href="https://openid.net/specs/openid-connect-rpinitiated-1_0.html">RP-Initiated Logout 1.0</a>
 */
public final class EndSession {
    private static final Logger LOG = LoggerFactory.getLogger(EndSession.class);

    private final Pool pool;
    private final AccessTokenVerifier verifier;
    private final ClientRepository clients;
    private final BrowserSessionRepository browserSessions;
    private final SessionTerminator terminator;
    private final AuditRepository audit;
    private final Clock clock;

    public EndSession(
            Pool pool,
            AccessTokenVerifier verifier,
            ClientRepository clients,
            BrowserSessionRepository browserSessions,
            SessionTerminator terminator,
            AuditRepository audit,
            Clock clock) {
        this.pool = pool;
        this.verifier = verifier;
        this.clients = clients;
        this.browserSessions = browserSessions;
        this.terminator = terminator;
        this.audit = audit;
        this.clock = clock;
    }

    /** The request's parameters. */
    public record Request(
            Optional<String> idTokenHint,
            Optional<String> clientId,
            Optional<String> postLogoutRedirectUri,
            Optional<String> state) {}

    /** What the browser gets. */
    public sealed interface Outcome {}

    /** Ask the user; the form posts {@code csrf} and the request's parameters back. */
    public record Confirm(String csrf, Optional<String> clientName, Request request) implements Outcome {}

    /** Signed out: 303 to {@code redirect} when present, else the signed-out page. The session cookie is cleared. */
    public record SignedOut(Optional<String> redirect) implements Outcome {}

    /** {@code GET}/{@code POST /oauth2/end-session} without a confirmation. */
    public Future<Outcome> start(Request request, Optional<String> sessionCookie, String ip) {
        Future<Optional<JsonObject>> hint = request.idTokenHint().isPresent()
                ? verifier.verifyIdTokenHint(request.idTokenHint().get())
                : Future.succeededFuture(Optional.empty());
        return hint.compose(verified -> {
            if (request.idTokenHint().isPresent() && verified.isEmpty()) {
                LOG.info("end-session: id_token_hint not valid, asking the user instead");
            }
            Optional<String> hintClient = verified.map(claims -> claims.getString("aud"));
            if (hintClient.isPresent() && request.clientId().isPresent() && !hintClient.equals(request.clientId())) {
                return Future.failedFuture(
                        AuthorizeError.page(400, "The sign-out request names two different applications."));
            }
            return target(request, hintClient.or(request::clientId)).compose(target -> {
                if (verified.isPresent()) {
                    JsonObject claims = verified.get();
                    return end(uuid(claims.getString("sid")), claims.getString("aud"), ip)
                            .map(v -> (Outcome) new SignedOut(target.redirect()));
                }
                return current(sessionCookie)
                        .map(session -> session.isEmpty()
                                ? new SignedOut(target.redirect())
                                : new Confirm(
                                        csrf(sessionCookie.get()),
                                        target.client().map(Client::displayName),
                                        request));
            });
        });
    }

    /** The confirmation form posted back: ends the browser's session when its token matches. */
    public Future<Outcome> confirm(Request request, String csrf, Optional<String> sessionCookie, String ip) {
        return target(request, request.clientId())
                .compose(target -> current(sessionCookie).compose(session -> {
                    if (session.isEmpty()) {
                        return Future.succeededFuture(new SignedOut(target.redirect()));
                    }
                    if (!OpaqueTokens.equal(csrf, csrf(sessionCookie.get()))) {
                        return Future.failedFuture(AuthorizeError.page(
                                403, "This sign-out form has expired. Go back to the application and sign out again."));
                    }
                    return end(
                                    Optional.of(session.get().sessionId()),
                                    target.client().map(Client::clientId).orElse(null),
                                    ip)
                            .map(v -> new SignedOut(target.redirect()));
                }));
    }

    /** The client the request is for, and where to send the browser afterwards. */
    private record Target(Optional<Client> client, Optional<String> redirect) {}

    private Future<Target> target(Request request, Optional<String> clientId) {
        Future<Optional<Client>> client = clientId.isPresent()
                ? clients.find(clientId.get()).map(found -> found.filter(c -> !c.disabled()))
                : Future.succeededFuture(Optional.empty());
        return client.compose(found -> {
            if (request.postLogoutRedirectUri().isEmpty()) {
                return Future.succeededFuture(new Target(found, Optional.empty()));
            }
            String uri = request.postLogoutRedirectUri().get();
            if (found.isEmpty()
                    || !found.get().metadata().postLogoutRedirectUris().contains(uri)) {
                return Future.failedFuture(AuthorizeError.page(
                        400, "The address the application asked to return to after sign-out is not registered."));
            }
            return Future.succeededFuture(new Target(found, Optional.of(withState(uri, request.state()))));
        });
    }

    private Future<Void> end(Optional<UUID> sid, String clientId, String ip) {
        if (sid.isEmpty()) {
            return Future.succeededFuture();
        }
        return Transactions.run(pool, sql -> terminator
                .endIfOpen(sql, sid.get(), "end_session")
                .compose(user -> user.isEmpty()
                        ? Future.<Void>succeededFuture()
                        : audit.record(sql, AuditEvent.logout(clientId, user.get(), sid.get(), ip))
                                .onSuccess(v -> LOG.info("end-session: session ended sid={}", sid.get()))));
    }

    private Future<Optional<BrowserSession>> current(Optional<String> sessionCookie) {
        if (sessionCookie.isEmpty()) {
            return Future.succeededFuture(Optional.empty());
        }
        OffsetDateTime now = OffsetDateTime.ofInstant(Instant.ofEpochMilli(clock.millis()), ZoneOffset.UTC);
        return browserSessions.findOpen(pool, OpaqueTokens.sha256(sessionCookie.get()), now);
    }

    /** Bound to the session cookie, which another site cannot read: a forged confirmation cannot match. */
    private static String csrf(String sessionCookie) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(OpaqueTokens.sha256("end-session:" + sessionCookie));
    }

    private static String withState(String uri, Optional<String> state) {
        if (state.isEmpty()) {
            return uri;
        }
        return uri + (uri.indexOf('?') >= 0 ? '&' : '?') + "state="
                + URLEncoder.encode(state.get(), StandardCharsets.UTF_8);
    }

    private static Optional<UUID> uuid(String value) {
        try {
            return Optional.of(UUID.fromString(value));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
